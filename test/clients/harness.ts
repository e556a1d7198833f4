/**
 * What the real-client tests share: a Roster that serves plain HTTP (for the test's own reference
 * calls) and HTTPS with a development certificate (for the clients) from one App and one store;
 * a driver process that runs the clients and trusts that certificate; a company big enough that
 * listing it takes more than five pages.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listenHttps, loadTlsCredentials, type HttpsListener } from '../../src/http/tls.js';
import type { DirectoryFile } from '../../src/state/directory-file.js';
import { startRoster, type StartOptions, type TestRoster } from '../helpers/roster.js';
import type { DriverReply } from './scenarios/types.js';

export interface ClientRoster extends TestRoster {
  /** the HTTPS listener sharing the App with `url` */
  https: HttpsListener;
  /** the development certificate clients must trust */
  certPath: string;
  /** the same webhook over https: `https://127.0.0.1:PORT/rest/1/secret/` */
  toHttps(hook: string): string;
  /** the REST method and HTTP status of every reply the HTTPS listener sent, in order */
  httpsReplies: { method: string; status: number }[];
}

export async function startClientRoster(options: StartOptions = {}): Promise<ClientRoster> {
  const r = await startRoster(options);
  const dataDir = await mkdtemp(join(tmpdir(), 'roster-tls-'));
  try {
    const credentials = await loadTlsCredentials({ tls: true, tlsPort: 0, tlsCert: '', tlsKey: '', tlsHost: '', dataDir });
    const https = await listenHttps(r.roster.server, { host: '127.0.0.1', port: 0, credentials });
    const httpsReplies: ClientRoster['httpsReplies'] = [];
    https.server.on('request', (req, res) => {
      const method = (req.url ?? '').split('?')[0]!.split('/').filter(Boolean).pop() ?? '';
      // recorded as the head is written, before any byte can reach the client ('finish' may come after the client read the answer)
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
      res.writeHead = ((...args: unknown[]) => {
        httpsReplies.push({ method, status: args[0] as number });
        return writeHead(...args);
      }) as typeof res.writeHead;
    });
    return {
      ...r,
      https,
      certPath: credentials.certPath,
      httpsReplies,
      toHttps: (hook) => hook.replace(r.url, https.url),
      async close() {
        await https.close();
        await r.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await r.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export interface Driver {
  /** runs one scenario of one client; resolves with the client's answer or what it threw */
  run(client: 'b24jssdk' | '2bad', scenario: string, args: object): Promise<DriverReply>;
  /** like run, but fails with the client's error when it threw */
  value<T = any>(client: 'b24jssdk' | '2bad', scenario: string, args: object): Promise<T>;
  /** what the clients printed (deprecation warnings and the like), for failure messages */
  output(): string;
  close(): Promise<void>;
}

const DRIVER = fileURLToPath(new URL('./driver.ts', import.meta.url));

/** Starts the client process with NODE_EXTRA_CA_CERTS pointing at the development certificate. */
export async function startDriver(certPath: string): Promise<Driver> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: certPath };
  delete env.NODE_TEST_CONTEXT; // the driver is not a test file
  const child: ChildProcess = fork(DRIVER, [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const waiting = new Map<number, (reply: DriverReply) => void>();
  let exited: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (reply: DriverReply) => {
      if (reply.id === 0) return resolve();
      waiting.get(reply.id)?.(reply);
      waiting.delete(reply.id);
    });
    child.on('exit', (code, signal) => {
      exited = new Error(`client driver exited (${code ?? signal}):\n${output}`);
      reject(exited);
      for (const [id, done] of waiting) done({ id, ok: false, error: { name: 'DriverExit', message: exited.message } });
      waiting.clear();
    });
  });
  await ready;
  let next = 1;
  const run: Driver['run'] = (client, scenario, args) => {
    if (exited) return Promise.reject(exited);
    const id = next++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      child.send({ id, client, scenario, args });
    });
  };
  return {
    run,
    async value(client, scenario, args) {
      const reply = await run(client, scenario, args);
      if (!reply.ok) throw new Error(`${client}/${scenario} threw ${JSON.stringify(reply.error)}`);
      return reply.value as never;
    },
    output: () => output,
    async close() {
      if (exited || child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/**
 * A company of `count` employees besides the administrator (ids from 2 with gaps: no id ends in
 * 7), nearly all in one big department headed by user 2, a few inactive.
 */
export function bigCompany(count = 300): DirectoryFile {
  const users: DirectoryFile['users'] = [{ id: 1, login: 'admin', email: 'admin@big.test', admin: true, name: 'Admin', departments: [1] }];
  for (let id = 2; users.length <= count; id++) {
    if (id % 10 === 7) continue;
    users.push({
      id,
      email: `user${id}@big.test`,
      name: `First${id}`,
      last_name: `Last${id}`,
      gender: id % 2 ? 'F' : 'M',
      active: id % 50 !== 0,
      work_position: id % 3 ? 'Engineer' : 'Manager',
      departments: id % 40 === 5 ? [3] : [2],
    });
  }
  return {
    format: 'roster-directory',
    version: 1,
    departments: [
      { id: 1, name: 'Big Company', parent: null, head: 1 },
      { id: 2, name: 'Everyone', parent: 1, sort: 100, head: 2 },
      { id: 3, name: 'Few', parent: 1, sort: 200, head: 45 },
    ],
    users,
  };
}
