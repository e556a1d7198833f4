// esbuild's options for Roster's own code, shared by scripts/build.js (dist/) and the benchmarks'
// server processes (bench/lib.ts), so that a benchmark measures the code as `npm start` runs it.
//
// Kysely and Zod are bundled in: they are ES modules of hundreds of small files (Kysely alone is
// 260), which Node resolves, reads and links one by one: Kysely's took a quarter of a `roster
// webhook create`. The other packages (CommonJS, native) stay imports from node_modules, as the
// sources have them.
const BUNDLED = new Set(['kysely', 'zod']);

const packageOf = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');

export const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true }));
  },
};

/** @type {import('esbuild').BuildOptions} */
export const buildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackages],
  // no keepNames: it names every closure as it is made (Object.defineProperty), a few per call on
  // the hot paths; the price is that a function whose name another module also uses shows in a
  // stack trace as `write2` (the source map has the place). No class is renamed.
  keepNames: false,
  sourcemap: true,
  logLevel: 'warning',
};
