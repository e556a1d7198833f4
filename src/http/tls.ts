/**
 * HTTPS for Roster: which certificate to serve (the user's own or the generated development
 * certificate) and a second listener that hands every request to the same Fastify instance, so
 * HTTP and HTTPS share one App, one store, one rate limiter.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ConfigError, type Config } from '../config.js';
import { ensureDevCertificate, parseHostNames, sanNames } from './dev-cert.js';
import { answerClientError } from './server.js';

export interface TlsCredentials {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
  /** `dev`: the generated development certificate; `user`: --tls-cert/--tls-key */
  source: 'dev' | 'user';
  /** a development certificate made by this start (false when reused or the user's own) */
  created: boolean;
  /** DNS names and IP addresses the certificate is valid for */
  names: string[];
  validTo: Date;
}

export type TlsSettings = Pick<Config, 'tls' | 'tlsPort' | 'tlsCert' | 'tlsKey' | 'tlsHost' | 'dataDir'>;

/** HTTPS is on with --tls, and also when a certificate or an HTTPS port is given. */
export function tlsEnabled(config: TlsSettings): boolean {
  return config.tls || config.tlsCert !== '' || config.tlsKey !== '' || config.tlsPort > 0;
}

/** The certificate and key to serve: the user's files, or the development certificate in the data folder. */
export async function loadTlsCredentials(config: TlsSettings): Promise<TlsCredentials> {
  if (config.tlsCert || config.tlsKey) return loadUserCredentials(config.tlsCert, config.tlsKey);
  let extra: string[];
  try {
    extra = parseHostNames(config.tlsHost);
  } catch (error) {
    throw new ConfigError([`--tls-host: ${(error as Error).message}`]);
  }
  try {
    const dev = await ensureDevCertificate(config.dataDir, extra);
    return { ...dev, source: 'dev' };
  } catch (error) {
    throw new ConfigError([`--data-dir: cannot keep the development certificate in ${resolve(config.dataDir)}: ${(error as Error).message}`]);
  }
}

async function loadUserCredentials(certFile: string, keyFile: string): Promise<TlsCredentials> {
  const problems: string[] = [];
  if (!certFile) problems.push('--tls-key needs --tls-cert');
  if (!keyFile) problems.push('--tls-cert needs --tls-key');
  if (problems.length) throw new ConfigError(problems);
  const certPath = resolve(certFile);
  const keyPath = resolve(keyFile);
  const [cert, key] = await Promise.all([
    readFile(certPath, 'utf8').catch((e: Error) => problems.push(`--tls-cert: cannot read ${certPath}: ${e.message}`)),
    readFile(keyPath, 'utf8').catch((e: Error) => problems.push(`--tls-key: cannot read ${keyPath}: ${e.message}`)),
  ]);
  if (problems.length) throw new ConfigError(problems);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert as string);
  } catch {
    throw new ConfigError([`--tls-cert: ${certPath} is not a PEM certificate`]);
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key as string))) throw new ConfigError([`--tls-key: ${keyPath} is not the key of ${certPath}`]);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`--tls-key: ${keyPath} is not an unencrypted PEM private key`]);
  }
  return { cert: cert as string, key: key as string, certPath, keyPath, source: 'user', created: false, names: sanNames(x509), validTo: new Date(x509.validTo) };
}

export interface HttpsListener {
  url: string;
  server: Server;
  credentials: TlsCredentials;
  close(): Promise<void>;
}

/**
 * Listens for HTTPS on host:port (0 picks a free port) and routes each request through the given
 * Fastify instance, exactly as its own HTTP listener would.
 */
export async function listenHttps(
  fastify: FastifyInstance,
  options: { host: string; port: number; credentials: TlsCredentials },
): Promise<HttpsListener> {
  await fastify.ready();
  const { cert, key } = options.credentials;
  // the same connection limits as Fastify's own listener (server.ts connectionOptions)
  const http = fastify.server;
  const server = createServer(
    {
      cert,
      key,
      requestTimeout: http.requestTimeout,
      headersTimeout: http.headersTimeout,
      keepAliveTimeout: http.keepAliveTimeout,
      connectionsCheckingInterval: Math.min(1000, http.requestTimeout || 1000),
      // a TLS handshake that never finishes is cut off too
      handshakeTimeout: Math.min(http.headersTimeout || 10000, 10000),
    },
    (req, res) => fastify.routing(req, res),
  );
  server.on('clientError', answerClientError);
  server.maxConnections = http.maxConnections;
  server.setTimeout(http.timeout);
  server.on('tlsClientError', (error) => fastify.log.debug({ err: error }, 'TLS handshake failed'));

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${urlHost(options.host)}:${port}`,
    server,
    credentials: options.credentials,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
      }),
  };
}

/** The host to print in URLs: a loopback address for "every interface", IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** What `roster serve` prints so that clients trust the development certificate. */
export function trustInstructions(credentials: TlsCredentials): string[] {
  const names = `for ${credentials.names.join(', ')}; valid until ${credentials.validTo.toISOString().slice(0, 10)}`;
  if (credentials.source === 'user') return [`HTTPS certificate: ${credentials.certPath} (${names})`];
  const file = credentials.certPath;
  return [
    `Development certificate: ${file} (${credentials.created ? 'new' : 'reused'}, ${names})`,
    'Trust it in clients:',
    `  NODE_EXTRA_CA_CERTS=${quote(file)} node app.js        # Node: @bitrix24/b24jssdk, @2bad/bitrix`,
    `  REQUESTS_CA_BUNDLE=${quote(file)} python app.py       # Python: b24pysdk, requests`,
    `  curl --cacert ${quote(file)} ...`,
    '  (PHP, CRest, b24phpsdk: see docs/CLIENTS.md)',
  ];
}

function quote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
