/**
 * The web console (issue #14) in a real headless Chromium, on every engine: sign-in and refusal,
 * CSRF, the directory, org chart and user card (with live updates from REST calls), credentials
 * (a webhook made in the console answers over HTTP), the developer tools, the API explorer, and
 * axe-core on each page (no serious or critical violation). One browser for the file, one server
 * per engine; every wait is bounded.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword } from '../../src/oauth/passwords.js';
import { clock } from '../../src/clock.js';
import { csrfOf, IDLE_SECONDS } from '../../src/http/console/routes.js';
import { sessionHash } from '../../src/store/console.js';
import { verifyClient } from '../../src/store/oauth.js';
import { updateUser } from '../../src/store/users.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

// functions passed to page.evaluate run in the page: its globals, which the Node typings lack
declare const window: any;
declare const document: any;
type HTMLInputElement = { value: string };

const CHROMIUM = process.env.ROSTER_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ADMIN_PASSWORD = 'console admin password';
const USER_PASSWORD = 'plain user password';
const WAIT = 10_000;

const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`CI=true but there is no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
if (!available) console.warn(`# No Chromium at ${CHROMIUM}: the console browser tests are skipped (they never are under CI=true)`);

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now, as readable lines. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(`(() => { ${AXE}\n })()`);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  });
  return violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id} (${v.impact}): ${v.nodes.join(', ')}`);
}

async function assertAccessible(page: Page, what: string) {
  assert.deepEqual(await axeProblems(page), [], `axe on ${what}`);
}

describe('web console in a real browser', { skip: !available && `no Chromium at ${CHROMIUM}` }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
  });

  for (const engine of engines) {
    describe(engine, () => {
      let r: TestRoster;
      let context: BrowserContext;
      let page: Page;
      /** Content-Security-Policy violations the page reported (none allowed) */
      const violations: string[] = [];

      before(async () => {
        // demo: a reset goes back to the demo company
        r = await startRoster({ engine, seed: 'demo', config: { demo: true } });
        await updateUser(r.roster.store.db, 1, { password_hash: await hashPassword(ADMIN_PASSWORD) });
        await updateUser(r.roster.store.db, 3, { password_hash: await hashPassword(USER_PASSWORD) });
        context = await browser.newContext();
        context.setDefaultTimeout(WAIT);
        page = await context.newPage();
        page.on('console', (m) => {
          if (/Content Security Policy/.test(m.text()) && !/img-src/.test(m.text())) violations.push(m.text());
        });
        page.on('dialog', (d) => void d.accept());
      });
      after(async () => {
        await context?.close();
        await r?.close();
      });

      const go = async (hash: string, heading: string | RegExp) => {
        await page.goto(`${r.url}/#/${hash}`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      };

      it('serves the page to browsers and the JSON line to others, under a strict CSP', async () => {
        const json = await r.fetch('/');
        assert.equal(json.body.name, 'Roster');
        assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
        const htmlPage = await r.fetch('/', { headers: { accept: 'text/html' } });
        assert.match(htmlPage.headers.get('content-type') ?? '', /^text\/html/);
        const csp = htmlPage.headers.get('content-security-policy') ?? '';
        assert.match(csp, /script-src 'self'/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.doesNotMatch(htmlPage.text, /<script>|\sstyle=|\son[a-z]+=/, 'no inline script, style or handler');
        for (const asset of ['assets/app.js', 'assets/console.css', 'vendor/preact.js', 'vendor/hooks.js', 'vendor/htm.js']) {
          const res = await r.fetch(`/_roster/console/${asset}`);
          assert.equal(res.status, 200, asset);
          assert.ok(res.headers.get('content-type'), `${asset} has a content type`);
          assert.doesNotMatch(res.text, /from\s*["']preact["']/, `${asset} has no bare import`);
        }
      });

      it('refuses a wrong password and a non-administrator, signs an administrator in with a safe cookie', async () => {
        // the first page, everything it loads included, stays under 300 KB
        const sizes: Promise<number>[] = [];
        const count = (response: { body(): Promise<Buffer> }) => sizes.push(response.body().then((b) => b.length, () => 0));
        page.on('response', count);
        await page.goto(`${r.url}/`);
        await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
        await page.waitForLoadState('networkidle');
        page.off('response', count);
        const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
        assert.ok(total > 10_000 && total < 300_000, `the first page is ${total} bytes`);

        await page.getByLabel('Login or e-mail').fill('admin');
        await page.getByLabel('Password').fill('not the password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').filter({ hasText: 'Wrong login or password' }).waitFor();
        await assertAccessible(page, 'the sign-in page');

        await page.getByLabel('Login or e-mail').fill('lukas.schneider@example.com');
        await page.getByLabel('Password').fill(USER_PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').filter({ hasText: 'is not an administrator' }).waitFor();
        assert.deepEqual((await context.cookies()).filter((c) => c.name === 'roster_console'), [], 'no session for a non-administrator');

        await page.getByLabel('Login or e-mail').fill('admin');
        await page.getByLabel('Password').fill(ADMIN_PASSWORD);
        await page.getByLabel('Password').press('Enter');
        await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
        const session = (await context.cookies()).find((c) => c.name === 'roster_console');
        assert.ok(session, 'the session cookie');
        assert.equal(session.httpOnly, true);
        assert.equal(session.sameSite, 'Strict');
        const rows = await r.roster.store.db.withTables<{ console_sessions: { token_hash: string; user_id: number } }>().selectFrom('console_sessions').selectAll().execute();
        assert.deepEqual(rows.map((s) => [s.token_hash, s.user_id]), [[sessionHash(session.value), 1]], 'stored as a hash only');
        assert.ok(!rows.some((s) => s.token_hash === session.value));
      });

      it('refuses a state-changing request without the CSRF token, and any request without a session', async () => {
        const without = await page.request.post(`${r.url}/_roster/console/api/webhooks`, { data: { user_id: 1, scopes: ['im'] } });
        assert.equal(without.status(), 403);
        assert.equal((await without.json()).error, 'CSRF_FAILED');
        const wrong = await page.request.post(`${r.url}/_roster/console/api/call`, { data: { method: 'im.user.get' }, headers: { 'x-csrf-token': 'x'.repeat(43) } });
        assert.equal(wrong.status(), 403);
        // with the right token, parameters are held to the limits of a REST call
        const token = (await context.cookies()).find((c) => c.name === 'roster_console')!.value;
        const deep = await page.request.post(`${r.url}/_roster/console/api/call`, {
          data: { method: 'im.user.get', params: { ID: JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`) } },
          headers: { 'x-csrf-token': csrfOf(token) },
        });
        assert.equal(deep.status(), 400);
        assert.match((await deep.json()).error_description, /nested too deeply/);
        const reads = await page.request.get(`${r.url}/_roster/console/api/webhooks`);
        assert.equal(reads.status(), 200, 'reads need the session only');
        assert.equal((await r.fetch('/_roster/console/api/webhooks')).status, 401);
        assert.equal((await r.fetch('/_roster/console/api/control/_roster/faults')).status, 401, 'the control routes too');
        const signIn = await r.fetch('/_roster/console/api/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }) });
        assert.equal(signIn.status, 403, 'signing in needs the sign-in form\'s token too');
      });

      it('directory: search as you type, filters, and a presence change over REST shows live', async () => {
        await go('directory', 'People');
        await page.locator('tr[data-user="3"]').waitFor();
        await assertAccessible(page, 'the directory');
        await page.getByLabel('Search').pressSequentially('olivi');
        await page.getByRole('status').filter({ hasText: 'match “olivi”' }).waitFor();
        const found = await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-user')));
        const search = await r.call('im.search.user.list', { FIND: 'olivi' });
        assert.deepEqual(found.sort(), Object.keys(search.body.result).sort(), 'the same people im.search.user.list finds');

        await page.getByLabel('Search').fill('');
        await page.getByLabel('Department').selectOption({ label: 'Sales Europe' });
        const listed = await r.call('user.get', { FILTER: { UF_DEPARTMENT: 4, ACTIVE: 'Y' } });
        assert.ok(listed.body.result.length > 0);
        // the rows user.get lists for the department, and no others
        await page.waitForFunction(
          (ids: string[]) => JSON.stringify([...document.querySelectorAll('tbody tr')].map((row: any) => row.getAttribute('data-user')).sort()) === JSON.stringify(ids),
          listed.body.result.map((u: any) => u.ID).sort(),
        );
        assert.ok((await page.locator('tbody tr').allTextContents()).every((row) => row.includes('Sales Europe')));
        // a search within the department: the filter narrows every match, not a page of them
        await page.getByLabel('Search').fill('sales');
        await page.getByRole('status').filter({ hasText: 'match “sales”' }).waitFor();
        await page.waitForFunction(
          (ids: string[]) => JSON.stringify([...document.querySelectorAll('tbody tr')].map((row: any) => row.getAttribute('data-user')).sort()) === JSON.stringify(ids),
          listed.body.result.map((u: any) => u.ID).sort(),
        );
        await page.getByLabel('Search').fill('');

        await page.getByLabel('Department').selectOption({ label: 'All departments' });
        await page.getByLabel('Search').fill('Schneider');
        const row = page.locator('tr[data-user="3"] [data-presence-text]');
        await row.waitFor();
        assert.notEqual(await row.textContent(), 'dnd');
        const set = await r.call('im.user.status.set', { STATUS: 'dnd' }, { hook: await r.as(3) });
        assert.equal(set.status, 200);
        await page.locator('tr[data-user="3"] [data-presence-text]', { hasText: 'dnd' }).waitFor();
      });

      it('org chart: the tree in structure order, expandable, a department with its path, head and members', async () => {
        await go('org', 'Org chart');
        await page.getByRole('button', { name: 'Expand Company' }).click();
        const top = await page.locator('.tree > li > ul > li > .node > a').allTextContents();
        assert.deepEqual(top, ['Management', 'Sales', 'Engineering', 'Marketing', 'Human Resources', 'Support'].filter((n) => top.includes(n)));
        assert.ok(top.length >= 4);
        // member counts from the server, as im.department.employees.get lists the members
        const sales = await r.call('im.department.employees.get', { ID: [3] });
        const count = sales.body.result['3'].length as number;
        await page.locator('.node', { has: page.getByRole('link', { name: 'Sales', exact: true }) }).getByText(`${count} ${count === 1 ? 'member' : 'members'}`).waitFor();
        await assertAccessible(page, 'the org chart');
        await page.getByRole('link', { name: 'Sales', exact: true }).click();
        await page.getByRole('heading', { name: 'Sales', level: 1 }).waitFor();
        assert.deepEqual(await page.locator('.crumbs li').allTextContents(), ['Org chart', 'Company', 'Sales']);
        await page.getByText('Lukas Schneider').first().waitFor();
        const members = await r.call('im.department.employees.get', { ID: [3] });
        await page.getByRole('heading', { name: `Members (${members.body.result['3'].length})` }).waitFor();
        await assertAccessible(page, 'a department');
      });

      it('user card: the im.user.get JSON, colleagues as the user gets them, and live edits', async () => {
        await go('user/3', 'Lukas Schneider');
        const raw = JSON.parse((await page.locator('pre[data-raw]').textContent())!);
        const rest = await r.call('im.user.get', { ID: 3 });
        assert.deepEqual(raw, rest.body.result);
        const colleagues = await r.call('im.department.colleagues.list', { LIMIT: 50 }, { hook: await r.as(3) });
        await page.getByRole('heading', { name: `Colleagues (${colleagues.body.total})` }).waitFor();
        await assertAccessible(page, 'a user card');
        const updated = await r.call('user.update', { ID: 3, WORK_POSITION: 'Head of Sales EMEA' });
        assert.equal(updated.status, 200);
        await page.getByText('Head of Sales EMEA').first().waitFor();
      });

      it('credentials: a webhook made in the console answers im.user.list.get over HTTP; its secret is shown once', async () => {
        await go('credentials', 'Credentials');
        await assertAccessible(page, 'the credentials page');
        const form = page.getByRole('form', { name: 'New incoming webhook' });
        await form.getByLabel('Acts as user id').fill('5');
        await form.getByLabel('Title').fill('from the console');
        await form.getByLabel('user_basic').check();
        await form.getByRole('button', { name: 'Create webhook' }).click();
        const url = (await page.locator('[data-secret]').first().textContent())!;
        assert.match(url, /\/rest\/5\/[a-z0-9]{20}\/$/);
        const listed = await fetch(`${url}im.user.list.get?ID[]=1&ID[]=2`);
        assert.equal(listed.status, 200);
        assert.deepEqual(Object.keys(((await listed.json()) as any).result), ['1', '2']);
        const hooks = await page.request.get(`${r.url}/_roster/console/api/webhooks`);
        const id = ((await hooks.json()) as any).webhooks.find((w: any) => w.title === 'from the console').id as number;
        assert.ok(!(await hooks.text()).includes(url.split('/')[5]!), 'the list never holds the secret');
        await page.reload();
        await page.locator(`tr[data-webhook="${id}"]`).waitFor();
        assert.ok(!(await page.content()).includes(url.split('/')[5]!), 'not shown again');
        await page.getByRole('button', { name: `Revoke webhook ${id}` }).click();
        await page.locator(`tr[data-webhook="${id}"]`).waitFor({ state: 'detached' });
        assert.equal((await fetch(`${url}im.user.list.get?ID[]=1`)).status, 401);

        const apps = page.getByRole('form', { name: 'New OAuth application' });
        await apps.getByLabel('Name').fill('Console App');
        await apps.getByRole('button', { name: 'Create application' }).click();
        const secret = (await page.locator('[data-secret]').last().textContent())!;
        const clientId = /client_id (\S+)\)/.exec((await page.locator('.notice').last().textContent())!)![1]!;
        assert.ok(await verifyClient(r.roster.store.db, clientId, secret), 'the secret shown is the application\'s');
        await page.getByRole('cell', { name: clientId }).waitFor();
        await page.getByRole('button', { name: 'Delete Console App' }).click();
        await page.getByRole('cell', { name: clientId }).waitFor({ state: 'detached' });
        assert.equal(await verifyClient(r.roster.store.db, clientId, secret), undefined);
      });

      it('developer tools: journal, faults, clock and events', async () => {
        const asked: string[] = [];
        const note = (req: { url(): string }) => asked.push(new URL(req.url()).pathname);
        page.on('request', note);
        await go('journal', 'Request journal');
        await page.locator('main').getByRole('status').filter({ hasText: 'Live' }).waitFor();
        await r.call('server.time');
        await page.locator('tr[data-journal-row="server.time"]').first().waitFor();
        // streamed, not polled: one stream, no list requests
        await r.call('server.time');
        await page.locator('tr[data-journal-row="server.time"]').nth(1).waitFor();
        page.off('request', note);
        assert.deepEqual(asked.filter((p) => p.includes('/control/_roster/requests')), ['/_roster/console/api/control/_roster/requests/stream']);
        await assertAccessible(page, 'the journal');
        await page.getByRole('button', { name: 'Clear the journal' }).click();
        await page.getByText('No calls yet').waitFor();

        await go('faults', 'Faults');
        await page.getByText('No fault rules').waitFor();
        await assertAccessible(page, 'the faults page');
        await page.getByLabel('Method or pattern').fill('im.user.get');
        await page.getByLabel('Error code').fill('expired_token');
        await page.getByLabel('Times').fill('1');
        await page.getByRole('button', { name: 'Add rule' }).click();
        const rule = page.locator('tr[data-fault]');
        await rule.waitFor();
        const faulted = await r.call('im.user.get', { ID: 1 });
        assert.equal(faulted.body.error, 'expired_token');
        assert.equal((await r.call('im.user.get', { ID: 1 })).status, 200, 'used up after one');
        await page.getByRole('button', { name: /^Remove rule/ }).click();
        await page.getByText('No fault rules').waitFor();

        await go('clock', 'Clock');
        await assertAccessible(page, 'the clock');
        await page.getByRole('button', { name: 'Freeze' }).click();
        await page.getByText('Unfreeze').waitFor();
        const before = Date.parse((await page.locator('[data-clock-now]').textContent())!);
        await page.getByRole('button', { name: '+1 hour' }).click();
        await page.waitForFunction((t) => Date.parse(document.querySelector('[data-clock-now]')!.textContent!) >= t + 3_600_000, before);
        await page.getByRole('button', { name: 'Back to real time' }).click();
        await page.getByRole('button', { name: 'Freeze' }).waitFor();

        await go('events', 'Events');
        await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
        await assertAccessible(page, 'the events page');
      });

      it('state: an import with errors shows every problem; export downloads; reset', async () => {
        await go('state', 'State');
        await assertAccessible(page, 'the state page');
        const exported = JSON.parse((await r.fetch('/_roster/console/api/export')).text || '{}');
        assert.equal(exported.error, 'NOT_SIGNED_IN', 'export needs the session');
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download export' }).click()]);
        const document = JSON.parse(readFileSync((await download.path())!, 'utf8'));
        assert.ok(document.users.length > 50);
        assert.ok(!JSON.stringify(document).includes('scrypt$'), 'no password hashes');

        const broken = structuredClone(document);
        broken.users[1].email = broken.users[2].email;
        broken.departments.push({ ...broken.departments[1], id: 999, parent: 4242 });
        await page.getByLabel('Directory file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
        await page.getByRole('button', { name: 'Import' }).click();
        const problems = page.locator('[data-problems] li');
        await problems.first().waitFor();
        const count = Number(/(\d+) problems?/.exec((await page.getByRole('alert').textContent())!)![1]);
        assert.ok(count >= 2);
        assert.equal(await problems.count(), count, 'every problem is listed');
        const text = (await problems.allTextContents()).join('\n');
        assert.match(text, /e-mail|email/i);
        assert.match(text, /4242|parent/i);

        await page.getByRole('button', { name: 'Reset the directory' }).click();
        await page.getByRole('status').filter({ hasText: 'Reset:' }).waitFor();
      });

      it('API explorer: picks a method, calls it as a webhook over REST, shows curl and the answer', async () => {
        await go('explorer', 'API explorer');
        await page.getByLabel('Find a method').fill('im.user.get');
        await page.getByLabel('Method', { exact: true }).selectOption('im.user.get');
        await page.getByRole('heading', { name: 'im.user.get', level: 2 }).waitFor();
        // a field for each parameter the registry lists for the method
        const methods = await page.request.get(`${r.url}/_roster/console/api/methods`);
        const listed = ((await methods.json()) as any).methods.find((m: any) => m.name === 'im.user.get').params.map((p: any) => p.name);
        assert.deepEqual(listed, ['ID', 'AVATAR_HR']);
        assert.deepEqual(await page.locator('[data-param]').evaluateAll((els) => els.map((e) => e.getAttribute('data-param'))), listed);
        await page.getByRole('button', { name: 'Create one for me' }).click();
        await page.waitForFunction(() => (document.getElementById('ex-hook') as HTMLInputElement).value.includes('/rest/1/'));
        await page.getByLabel('ID', { exact: true }).fill('2');
        await page.getByLabel('AVATAR_HR').selectOption('Y');
        await assertAccessible(page, 'the API explorer');
        await page.getByRole('button', { name: 'Call', exact: true }).click();
        const answer = JSON.parse((await page.locator('pre[data-answer]').textContent())!);
        assert.equal(answer.result?.id, 2, JSON.stringify(answer).slice(0, 300));
        assert.equal(typeof answer.result?.avatar_hr, 'string', 'AVATAR_HR=Y was sent');
        const curl = (await page.locator('pre[data-curl]').textContent())!;
        assert.match(curl, /^curl -X POST .*'\{"ID":2,"AVATAR_HR":"Y"\}' 'http:\/\/127\.0\.0\.1:\d+\/rest\/1\/[a-z0-9]{20}\/im\.user\.get'$/);
        // another method, filled in with the registry's example: a list parameter and a choice
        await page.getByLabel('Find a method').fill('im.user.list');
        await page.getByLabel('Method', { exact: true }).selectOption('im.user.list.get');
        await page.getByRole('button', { name: 'Fill in an example' }).click();
        assert.equal(await page.getByLabel('ID', { exact: true }).inputValue(), '1, 2');
        await page.getByRole('button', { name: 'Call', exact: true }).click();
        await page.waitForFunction(() => /"result": \[/.test(document.querySelector('pre[data-answer]')?.textContent ?? ''));
        const list = JSON.parse((await page.locator('pre[data-answer]').textContent())!);
        assert.deepEqual(list.result.map((u: any) => u.id), [1, 2], 'ID [1, 2] with RESULT_TYPE=array');
        const journal = await page.request.get(`${r.url}/_roster/console/api/control/_roster/requests?method=im.user.get`);
        assert.ok((await journal.json()).requests.some((q: any) => q.params?.ID === 2 || q.params?.ID === '2'), 'a real REST call, in the journal');
      });

      it('a session ends after 12 hours idle; signing out ends it at once', async () => {
        const api = `${r.url}/_roster/console/api/webhooks`;
        assert.equal((await page.request.get(api)).status(), 200);
        try {
          clock.freeze(true);
          // the clock page moved the clock an hour ahead for a while: the session was last seen then
          clock.advance((IDLE_SECONDS + 2 * 3600) * 1000);
          assert.equal((await page.request.get(api)).status(), 401, 'idle too long');
        } finally {
          clock.reset();
        }
        assert.equal((await page.request.get(api)).status(), 200, 'the clock back: the session was only idle');
        await go('directory', 'People');
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
        const after = await page.request.get(`${r.url}/_roster/console/api/webhooks`);
        assert.equal(after.status(), 401);
        assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
      });
    });
  }
});

describe('web console turned off', () => {
  it('--console off: / answers the JSON line to browsers too, and the console\'s routes do not exist', async () => {
    const r = await startRoster({ config: { console: false } });
    try {
      const home = await r.fetch('/', { headers: { accept: 'text/html' } });
      assert.equal(home.body.name, 'Roster');
      assert.equal((await r.fetch('/_roster/console/assets/app.js')).status, 404);
      assert.equal((await r.fetch('/_roster/console/api/session')).status, 404);
    } finally {
      await r.close();
    }
  });
});
