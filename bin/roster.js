#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4 (also in package.json's start script): V8's young generation at 4 MiB a
// half instead of 16. Under load the old generation then grew a third as much with the same
// throughput (RSS 302 instead of 419 MiB with 100,000 users; docs/PERFORMANCE.md).
//
// Runs the JavaScript that `npm install` compiled into dist/ (the prepare script) when it is newer
// than every source file: starting that way takes a fraction of compiling TypeScript on each run.
// After an edit, a pull or without a build, the TypeScript sources run through tsx instead, so the
// command never runs code older than its sources.
import { readdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// From Node 22.1 the code V8 compiled is kept between runs, keyed by each file's contents (Node 20
// has no such cache: there this does nothing).
module.enableCompileCache?.();

const root = fileURLToPath(new URL('..', import.meta.url));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(`${root}dist/.built`).mtimeMs;
  } catch {
    return -1;
  }
}

if (builtAt() >= newestSource(`${root}src`)) {
  await import('../dist/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
