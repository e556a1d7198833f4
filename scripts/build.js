#!/usr/bin/env node
// Compiles src/ to dist/ (run by `npm install` through the prepare script). Type errors are
// `npm run typecheck`'s business: this only emits, which takes seconds instead of a minute.
// bin/roster.js runs dist/ only while dist/.built is newer than every source file.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // installed without devDependencies: bin/roster.js runs the sources through tsx instead
  console.warn('roster: typescript is not installed, so dist/ is not built; the CLI runs the TypeScript sources');
  process.exit(0);
}
rmSync(`${root}dist`, { recursive: true, force: true });
const built = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`, '--noCheck'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
writeFileSync(`${root}dist/.built`, `${new Date().toISOString()}\n`);
