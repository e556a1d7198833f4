#!/usr/bin/env node
// Compiles src/ to dist/ (run by `npm install` through the prepare script). Type errors are
// `npm run typecheck`'s business: this only emits, which takes a second.
// bin/roster.js runs dist/ only while dist/.built is newer than every source file.
//
// esbuild (the compiler tsx runs on) bundles the command line from src/cli/main.ts, split at its
// dynamic imports so each command still loads only what it uses (options: scripts/build-options.js).
//
// Every file lands directly in dist/, one level below the project root as src/paths.ts is below
// it, which is what the paths to the project's own files (console/, seeds/) are resolved from.
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOptions } from './build-options.js';

const root = fileURLToPath(new URL('..', import.meta.url));

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // esbuild's binary is missing for this platform: bin/roster.js runs the sources through tsx
  console.warn('roster: esbuild does not load, so dist/ is not built; the CLI runs the TypeScript sources');
  process.exit(0);
}

rmSync(`${root}dist`, { recursive: true, force: true });
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outdir: 'dist',
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    ...buildOptions,
    splitting: true,
  });
} catch {
  // esbuild has printed the errors
  process.exit(1);
}
writeFileSync(`${root}dist/.built`, `${new Date().toISOString()}\n`);
