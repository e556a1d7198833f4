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
  // stack traces and logs show the names the sources give, not a bundle's renamed duplicates
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
};
