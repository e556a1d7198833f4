/**
 * `npm run screenshots`: PNG screenshots of every console page, light and dark, into
 * docs/console/ (committed: docs/CONSOLE.md shows them). A demo Roster on a temporary SQLite
 * file, the local headless Chromium (ROSTER_TEST_CHROMIUM, default /usr/bin/chromium), a frozen
 * clock so the pictures do not change from run to run more than they must.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createRoster } from '../src/app.js';
import { clock } from '../src/clock.js';
import { testConfig } from '../src/config.js';
import { hashPassword } from '../src/oauth/passwords.js';
import { DEMO_SEED } from '../src/state/directory.js';
import { readDirectoryFile, replaceDirectory } from '../src/state/directory-file.js';
import { updateUser } from '../src/store/users.js';
import { createWebhook } from '../src/store/webhooks.js';
import { writeTransaction } from '../src/store/write.js';

const OUT = new URL('../docs/console/', import.meta.url).pathname;
const CHROMIUM = process.env.ROSTER_TEST_CHROMIUM ?? '/usr/bin/chromium';
const PASSWORD = 'screenshots-only';

/** name, route, what to wait for, and what to do first */
const PAGES: [string, string, string, ((page: Page) => Promise<void>)?][] = [
  ['sign-in', '', 'Sign in to the console'],
  ['directory', 'directory', 'People'],
  ['search', 'directory', 'People', async (page) => {
    await page.getByLabel('Search').fill('sales');
    await page.getByRole('status').filter({ hasText: 'match' }).waitFor();
  }],
  ['org-chart', 'org', 'Org chart', async (page) => {
    await page.getByRole('button', { name: 'Expand all' }).click();
    // the heads of the departments on screen arrive after the tree
    await page.locator('.node').filter({ hasText: 'Sales Europe' }).locator('.person').waitFor();
  }],
  ['department', 'org/3', 'Sales'],
  ['user-card', 'user/4', 'Sofia Rossi'],
  ['credentials', 'credentials', 'Credentials'],
  ['journal', 'journal', 'Request journal', async (page) => {
    await page.locator('tr[data-journal-row]').first().waitFor();
  }],
  ['faults', 'faults', 'Faults'],
  ['clock', 'clock', 'Clock'],
  ['events', 'events', 'Events'],
  ['state', 'state', 'State'],
  ['explorer', 'explorer', 'API explorer', async (page) => {
    await page.getByRole('button', { name: 'Create one for me' }).click();
    await page.getByLabel('AVATAR_HR').selectOption('Y');
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await page.locator('pre[data-answer]').waitFor();
  }],
];

async function main() {
  await mkdir(OUT, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'roster-shots-'));
  clock.set(Date.parse('2026-11-12T10:20:00Z'));
  clock.freeze(true);
  const roster = await createRoster(testConfig({ db: join(dir, 'roster.db'), host: '127.0.0.1', timezone: 'Europe/Berlin', limits: 'off', demo: true }));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    await replaceDirectory(roster.store, await readDirectoryFile(DEMO_SEED));
    await updateUser(roster.store.db, 1, { password_hash: await hashPassword(PASSWORD) });
    const url = await roster.listen();
    // a few calls, so that the journal has something to show
    const { secret } = await writeTransaction(roster.store, (trx) => createWebhook(trx, { userId: 1, scopes: ['im', 'user', 'department'], title: 'screenshots' }));
    for (const method of ['im.user.list.get?ID[]=1&ID[]=2', 'im.department.colleagues.list', 'user.get', 'im.user.status.set?STATUS=dnd']) {
      await fetch(`${url}/rest/1/${secret}/${method}`);
    }
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1200, height: 760 }, deviceScaleFactor: 1 });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      page.on('dialog', (d) => void d.accept());
      await page.goto(`${url}/`);
      await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
      for (const [name, route, heading, before] of PAGES) {
        if (name !== 'sign-in') await page.goto(`${url}/#/${route}`);
        if (name === 'directory' && !(await page.getByRole('heading', { name: 'People' }).isVisible().catch(() => false))) {
          await page.getByLabel('Login or e-mail').fill('admin');
          await page.getByLabel('Password').fill(PASSWORD);
          await page.getByRole('button', { name: 'Sign in' }).click();
        }
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await before?.(page);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.evaluate('window.scrollTo(0, 0)');
        await page.screenshot({ path: join(OUT, `${name}-${scheme}.png`) });
        console.log(`docs/console/${name}-${scheme}.png`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await roster.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
