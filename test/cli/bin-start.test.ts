import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ROSTER_BIN } from '../helpers/cli.js';

const run = promisify(execFile);

/**
 * bin/roster.js in a project of its own, whose dist/ and src/ each say which one ran: the choice
 * between the compiled output and the sources is made on their modification times.
 */
describe('bin/roster.js', () => {
  let root: string;
  const at = (seconds: number) => new Date(1_700_000_000_000 + seconds * 1000);
  const touch = (path: string, seconds: number) => utimes(join(root, path), at(seconds), at(seconds));
  const start = async () => (await run(process.execPath, [join(root, 'bin', 'roster.js')])).stdout.trim();

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'roster-bin-'));
    await mkdir(join(root, 'bin'));
    await mkdir(join(root, 'dist'));
    await mkdir(join(root, 'src', 'cli', 'deeper'), { recursive: true });
    await copyFile(ROSTER_BIN, join(root, 'bin', 'roster.js'));
    await writeFile(join(root, 'package.json'), '{"type":"module"}');
    await symlink(join(import.meta.dirname, '../../node_modules'), join(root, 'node_modules'));
    await writeFile(join(root, 'dist', 'main.js'), "console.log('dist');\n");
    await writeFile(join(root, 'src', 'cli', 'main.ts'), "const from: string = 'sources';\nconsole.log(from);\n");
    await writeFile(join(root, 'src', 'cli', 'deeper', 'other.ts'), 'export {};\n');
    await writeFile(join(root, 'dist', '.built'), '');
    await touch('src/cli/main.ts', 10);
    await touch('src/cli/deeper/other.ts', 10);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('runs dist/ when it was built after every source file', async () => {
    await touch('dist/.built', 20);
    assert.equal(await start(), 'dist');
  });

  it('runs the sources through tsx once any source file, however deep, is newer than the build', async () => {
    await touch('dist/.built', 20);
    await touch('src/cli/deeper/other.ts', 30);
    assert.equal(await start(), 'sources');
    await touch('src/cli/deeper/other.ts', 10);
    assert.equal(await start(), 'dist');
  });

  it('runs the sources when dist/ was never built', async () => {
    await rm(join(root, 'dist', '.built'));
    assert.equal(await start(), 'sources');
  });
});
