#!/usr/bin/env node
// Compiles src/ to dist/ (run by `npm install` through the prepare script). Type errors are
// `npm run typecheck`'s business: this only emits, which takes a second.
// bin/roster.js runs dist/ only while dist/.built is newer than every source file.
//
// esbuild (the compiler tsx runs on) bundles the command line from src/cli/main.ts, split at its
// dynamic imports so each command still loads only what it uses. Kysely and Zod are bundled in:
// they are ES modules of hundreds of small files (Kysely alone is 260), which Node resolves,
// reads and links one by one: Kysely's took a quarter of a `roster webhook create`. The other
// packages (CommonJS, native) stay imports from node_modules, as the sources have them.
//
// Every file lands directly in dist/, one level below the project root as src/paths.ts is below
// it, which is what the paths to the project's own files (console/, seeds/) are resolved from.
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUNDLED = new Set(['kysely', 'zod']);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // esbuild's binary is missing for this platform: bin/roster.js runs the sources through tsx
  console.warn('roster: esbuild does not load, so dist/ is not built; the CLI runs the TypeScript sources');
  process.exit(0);
}

const packageOf = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true }));
  },
};

rmSync(`${root}dist`, { recursive: true, force: true });
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outdir: 'dist',
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    // stack traces and logs show the names the sources give, not a bundle's renamed duplicates
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
  });
} catch {
  // esbuild has printed the errors
  process.exit(1);
}
writeFileSync(`${root}dist/.built`, `${new Date().toISOString()}\n`);
