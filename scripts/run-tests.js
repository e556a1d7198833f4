#!/usr/bin/env node
// Runs every test file under test/ with node's test runner (through tsx), on every available
// engine. Node 20's runner does not expand globs, so the files are listed here.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();
// A test that hangs fails after fifteen minutes with its name, instead of holding the run until CI's
// own limit kills it without saying where.
const timeout = process.env.ROSTER_TEST_TIMEOUT ?? 900_000;
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.ROSTER_TEST_CONCURRENCY ?? 3}`, `--test-timeout=${timeout}`, ...files],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
