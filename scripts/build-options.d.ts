import type { BuildOptions, Plugin } from 'esbuild';

export const externalPackages: Plugin;
export const buildOptions: BuildOptions;
