/**
 * The OAuth sign-in page in a real headless Chromium: a person signs in, consents, and lands on
 * the application's redirect URI (a tiny local server), whose code then buys a working token.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { hashPassword } from '../../src/oauth/passwords.js';
import { createApplication } from '../../src/store/oauth.js';
import { updateUser } from '../../src/store/users.js';
import { startRoster, type TestRoster } from '../helpers/roster.js';

const CHROMIUM = process.env.ROSTER_TEST_CHROMIUM ?? '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';

const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`CI=true but there is no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
if (!available) console.warn(`# No Chromium at ${CHROMIUM}: the browser sign-in test is skipped (it never is under CI=true)`);

describe('OAuth sign-in in a real browser', { skip: !available && `no Chromium at ${CHROMIUM}` }, () => {
  let r: TestRoster;
  let browser: Browser;
  let target: Server;
  let callback: string;
  const landed: URL[] = [];
  let client: { clientId: string; clientSecret: string };

  before(async () => {
    r = await startRoster({ engine: 'sqlite', seed: 'demo' });
    // the application's redirect target: records where the browser arrived
    target = createServer((req, res) => {
      landed.push(new URL(req.url ?? '/', callback));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Example app</title><h1>Signed in to the example app</h1>');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(target.address() as AddressInfo).port}/callback`;
    client = await createApplication(r.roster.store.db, { name: 'Example App', scopes: ['im', 'user_basic'], redirectUri: callback });
    await updateUser(r.roster.store.db, 3, { password_hash: await hashPassword(PASSWORD) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
    await r?.close();
  });

  it('signs in, consents and lands on the redirect URI with a code that buys a working token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${r.url}/oauth/authorize/?client_id=${client.clientId}&state=browser-state`);
    assert.equal(await page.title(), 'Sign in to allow Example App');
    assert.ok(await page.getByRole('heading', { name: 'Sign in to Roster' }).isVisible());

    // a wrong password keeps the person on the page with an announced error
    await page.getByLabel('Login or e-mail').fill('lukas.schneider');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in and allow' }).click();
    await page.waitForLoadState();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /Wrong login or password/);
    assert.equal(await page.getByLabel('Login or e-mail').inputValue(), 'lukas.schneider');

    // Enter in the password field submits with the default button: allow
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(callback)), page.getByLabel('Password').press('Enter')]);
    assert.ok(await page.getByRole('heading', { name: 'Signed in to the example app' }).isVisible());
    const arrived = new URL(page.url());
    assert.equal(arrived.searchParams.get('state'), 'browser-state');
    assert.equal(arrived.searchParams.get('scope'), 'im,user_basic');
    assert.ok(landed.some((u) => u.pathname === '/callback' && u.searchParams.get('code') === arrived.searchParams.get('code')), 'the application got the code');
    await context.close();

    const exchanged = await r.fetch('/oauth/token/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code: arrived.searchParams.get('code')! }).toString(),
    });
    assert.equal(exchanged.status, 200);
    const me = await r.fetch(`/rest/profile?auth=${exchanged.body.access_token}`);
    assert.equal(me.body.result.ID, '3');
  });

  it('a person who denies lands on the redirect URI with access_denied', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${r.url}/oauth/authorize/?client_id=${client.clientId}&state=s2`);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(callback)), page.getByRole('button', { name: 'Deny' }).click()]);
    const arrived = new URL(page.url());
    assert.equal(arrived.searchParams.get('error'), 'access_denied');
    assert.equal(arrived.searchParams.get('state'), 's2');
    assert.equal(arrived.searchParams.get('code'), null);
    await context.close();
  });
});
