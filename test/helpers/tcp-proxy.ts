/**
 * A loopback TCP proxy in front of PostgreSQL: closing it is PostgreSQL "stopping" for whoever
 * connects through it (open connections break, new ones are refused), without touching the
 * shared server; opening it again on the same port is PostgreSQL coming back.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  /** PostgreSQL "stops": open connections break, new ones are refused. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}


/**
 * The test PostgreSQL behind a proxy of its own: `db` reaches a fresh schema through it (what a
 * Roster is started on), `direct` the same schema without it, and `drop` closes the proxy and
 * removes the schema on the real server.
 */
export async function postgresBehindProxy(pgUrl: string, prefix: string): Promise<{ proxy: TcpProxy; db: string; direct: string; drop(): Promise<void> }> {
  const target = new URL(pgUrl);
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  await proxy.open();
  const schema = `t_${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  const viaProxy = new URL(pgUrl);
  viaProxy.port = String(proxy.port);
  return {
    proxy,
    db: `${viaProxy.toString()}?schema=${schema}`,
    direct: `${pgUrl}?schema=${schema}`,
    async drop() {
      await proxy.close();
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
