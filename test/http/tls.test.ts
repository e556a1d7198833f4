/**
 * HTTPS: the development certificate (made once, kept in the data folder, trusted through one
 * file), the user's own certificate, HTTP and HTTPS side by side on one App, and what
 * `roster serve --tls` prints.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createRoster } from '../../src/app.js';
import { ConfigError, testConfig, type Config } from '../../src/config.js';
import { DEV_CERT_FILE, DEV_KEY_FILE, ensureDevCertificate } from '../../src/http/dev-cert.js';
import { loadTlsCredentials } from '../../src/http/tls.js';
import { SCOPES } from '../../src/rest/scopes.js';
import { createWebhook } from '../../src/store/webhooks.js';

const ROOT = new URL('../../', import.meta.url);

/** GET or POST over https trusting only `ca`, as a client given NODE_EXTRA_CA_CERTS would. */
function httpsCall(url: string, ca: string, body?: object): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const tlsSettings = (dataDir: string, more: Partial<Config> = {}) => ({ tls: true, tlsPort: 0, tlsCert: '', tlsKey: '', tlsHost: '', dataDir, ...more });

describe('the development certificate', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-cert-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is made on first use with SANs 127.0.0.1, ::1, localhost and the extra names, key 0600, cert 0644', async () => {
    const cert = await ensureDevCertificate(join(dir, 'data'), ['b24.test']);
    assert.equal(cert.created, true);
    assert.equal(cert.certPath, join(dir, 'data', DEV_CERT_FILE));
    assert.equal(cert.keyPath, join(dir, 'data', DEV_KEY_FILE));
    const x509 = new X509Certificate(await readFile(cert.certPath));
    assert.equal(x509.issuer, x509.subject, 'self-signed');
    assert.ok(x509.verify(x509.publicKey), 'signed by its own key');
    assert.equal(x509.ca, false);
    for (const host of ['localhost', 'b24.test']) assert.equal(x509.checkHost(host), host);
    for (const ip of ['127.0.0.1', '::1']) assert.equal(x509.checkIP(ip), ip);
    assert.equal(x509.checkHost('example.com'), undefined);
    assert.deepEqual(cert.names, ['127.0.0.1', '::1', 'localhost', 'b24.test']);
    assert.ok(cert.validTo.getTime() > Date.now() + 300 * 86400_000);
    if (process.platform !== 'win32') {
      assert.equal((await stat(cert.keyPath)).mode & 0o777, 0o600);
      assert.equal((await stat(cert.certPath)).mode & 0o777, 0o644);
    }
  });

  it('is reused while it covers the names, and remade keeping its names when one is added', async () => {
    const data = join(dir, 'data');
    const first = await readFile(join(data, DEV_CERT_FILE), 'utf8');
    const again = await ensureDevCertificate(data, []);
    assert.equal(again.created, false);
    assert.equal(again.cert, first);
    const more = await ensureDevCertificate(data, ['other.test']);
    assert.equal(more.created, true);
    assert.deepEqual(more.names, ['127.0.0.1', '::1', 'localhost', 'other.test', 'b24.test']);
    assert.notEqual(more.cert, first);
  });

  it('is remade when its key is damaged or does not match', async () => {
    const data = join(dir, 'data');
    await writeFile(join(data, DEV_KEY_FILE), 'garbage');
    const remade = await ensureDevCertificate(data, []);
    assert.equal(remade.created, true);
    assert.ok(new X509Certificate(remade.cert).checkPrivateKey((await import('node:crypto')).createPrivateKey(remade.key)));
  });

  it('passes OpenSSL\'s strict verification (Python 3.13 and urllib3 2.3+ turn it on)', (t) => {
    const openssl = spawnSync('openssl', ['version']);
    if (openssl.status !== 0) return t.skip('no openssl on this machine');
    const path = join(dir, 'data', DEV_CERT_FILE);
    const res = spawnSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', path, path], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });

  it('refuses a --tls-host that is not a host name', async () => {
    await assert.rejects(loadTlsCredentials(tlsSettings(join(dir, 'data'), { tlsHost: 'ok.test, bad host' })), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /--tls-host: "bad host" is not a host name/);
      return true;
    });
  });
});

describe('HTTPS listeners', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-https-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const config = (more: Partial<Config>) => testConfig({ db: ':memory:', host: '127.0.0.1', dataDir: join(dir, 'data'), ...more });

  it('--port (HTTP) and --tls-port (HTTPS) serve one App: a write over one is read over the other', async () => {
    const tlsPort = await freePort();
    const roster = await createRoster(config({ tls: true, tlsPort }));
    try {
      await roster.listen();
      assert.equal(roster.url, `https://127.0.0.1:${tlsPort}`);
      assert.match(roster.httpUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
      const ca = roster.https!.credentials.cert;
      const { secret } = await createWebhook(roster.store.db, { userId: 1, scopes: [...SCOPES], title: 'tls' });
      const added = await httpsCall(`${roster.url}/rest/1/${secret}/user.add`, ca, { EMAIL: 'tls@example.com', NAME: 'Tls', UF_DEPARTMENT: [1] });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      const id = added.body.result;
      const overHttp = (await (await fetch(`${roster.httpUrl}/rest/1/${secret}/im.user.list.get?ID[]=${id}`)).json()) as any;
      assert.equal(overHttp.result[id].first_name, 'Tls');
      const overHttps = await httpsCall(`${roster.url}/rest/1/${secret}/im.user.list.get?ID[]=${id}`, ca);
      assert.deepEqual(overHttps.body.result, overHttp.result);
      // errors and unknown paths are the same JSON over https
      const missing = await httpsCall(`${roster.url}/rest/1/${secret}/no.such.method`, ca);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error, 'ERROR_METHOD_NOT_FOUND');
    } finally {
      await roster.close();
    }
  });

  it('--tls without --tls-port serves HTTPS on --port and no plain HTTP', async () => {
    const roster = await createRoster(config({ tls: true, port: 0 }));
    try {
      await roster.listen();
      assert.match(roster.url ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(roster.httpUrl, undefined);
      const home = await httpsCall(`${roster.url}/`, roster.https!.credentials.cert);
      assert.equal(home.body.name, 'Roster');
      await assert.rejects(fetch(`${roster.url}/`), 'an untrusted certificate is refused');
    } finally {
      await roster.close();
    }
  });

  it('--tls-cert/--tls-key serve the user\'s own certificate', async () => {
    const own = await ensureDevCertificate(join(dir, 'own'), ['own.test']);
    const roster = await createRoster(config({ tls: true, tlsCert: own.certPath, tlsKey: own.keyPath }));
    try {
      await roster.listen();
      assert.equal(roster.https!.credentials.source, 'user');
      assert.ok(roster.https!.credentials.names.includes('own.test'));
      const home = await httpsCall(`${roster.url}/`, own.cert);
      assert.equal(home.status, 200);
    } finally {
      await roster.close();
    }
  });

  it('refuses a certificate without its key, an unreadable file and a key of another certificate', async () => {
    const own = await ensureDevCertificate(join(dir, 'own'), []);
    const other = await ensureDevCertificate(join(dir, 'other'), []);
    const cases: [Partial<Config>, RegExp][] = [
      [{ tlsCert: own.certPath }, /--tls-cert needs --tls-key/],
      [{ tlsCert: join(dir, 'nope.pem'), tlsKey: own.keyPath }, /--tls-cert: cannot read/],
      [{ tlsCert: own.certPath, tlsKey: other.keyPath }, /--tls-key: .* is not the key of/],
    ];
    for (const [more, message] of cases) {
      await assert.rejects(loadTlsCredentials(tlsSettings(dir, more)), (e: Error) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(e.message, message);
        return true;
      });
    }
  });
});

describe('roster serve --tls', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-serve-tls-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Starts the CLI and resolves with everything it printed up to the example calls. */
  async function serve(args: string[]): Promise<{ out: string; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, ['bin/roster.js', 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/colleagues\.list/.test(out)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`roster serve exited with ${code}:\n${out}`)));
    });
    const stop = async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    };
    return { out, stop };
  }

  it('generates the certificate in --data-dir, prints how to trust it, and a client that trusts it gets through', async () => {
    const dataDir = join(dir, 'data');
    const args = ['--tls', '--port', '0', '--db', join(dir, 'roster.db'), '--demo', '--data-dir', dataDir, '--tls-host', 'b24.test', '--log-level', 'warn'];
    const { out, stop } = await serve(args);
    try {
      const certPath = join(dataDir, DEV_CERT_FILE);
      assert.match(out, /Roster is listening on https:\/\/127\.0\.0\.1:\d+/);
      assert.ok(out.includes(`Development certificate: ${certPath} (new, for 127.0.0.1, ::1, localhost, b24.test;`), out);
      assert.ok(out.includes(`NODE_EXTRA_CA_CERTS=${certPath}`), out);
      assert.ok(out.includes(`REQUESTS_CA_BUNDLE=${certPath}`), out);
      assert.ok(out.includes(`curl --cacert ${certPath}`), out);
      const hook = /Admin webhook \(all scopes\): (https:\/\/\S+\/)/.exec(out)?.[1];
      assert.ok(hook, out);

      // a separate Node process, trusting the certificate only through NODE_EXTRA_CA_CERTS
      const script = `fetch(process.argv[1]).then(async (r) => console.log(r.status, JSON.stringify(Object.keys((await r.json()).result))), (e) => console.log('failed', e.cause?.code))`;
      const run = (env: NodeJS.ProcessEnv) => promisify(execFile)(process.execPath, ['-e', script, `${hook}im.user.list.get?ID[]=1&ID[]=2`], { env: { ...process.env, ...env } });
      const trusted = await run({ NODE_EXTRA_CA_CERTS: certPath });
      assert.equal(trusted.stdout.trim(), '200 ["1","2"]');
      const untrusted = await run({ NODE_EXTRA_CA_CERTS: '' });
      assert.match(untrusted.stdout, /failed (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);

      const curl = spawnSync('curl', ['--version']);
      if (curl.status === 0) {
        const res = spawnSync('curl', ['-s', '-g', '--cacert', certPath, `${hook}im.user.list.get?ID[]=2`], { encoding: 'utf8' });
        assert.equal(JSON.parse(res.stdout).result['2'].id, 2);
      }
    } finally {
      await stop();
    }
  });

  it('reuses the certificate on the next start, and serves both schemes with --tls-port', async () => {
    const dataDir = join(dir, 'data');
    const before = await readFile(join(dataDir, DEV_CERT_FILE), 'utf8');
    const tlsPort = await freePort();
    const { out, stop } = await serve(['--port', '0', '--tls-port', String(tlsPort), '--db', join(dir, 'roster.db'), '--demo', '--data-dir', dataDir, '--log-level', 'warn']);
    try {
      assert.match(out, new RegExp(`Roster is listening on https://127\\.0\\.0\\.1:${tlsPort}\\n  and plain HTTP on http://127\\.0\\.0\\.1:\\d+`));
      assert.match(out, /Development certificate: .* \(reused, for 127\.0\.0\.1, ::1, localhost, b24\.test;/);
      assert.equal(await readFile(join(dataDir, DEV_CERT_FILE), 'utf8'), before);
    } finally {
      await stop();
    }
  });
});
