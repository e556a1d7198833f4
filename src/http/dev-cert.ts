/**
 * The development certificate `roster serve --tls` generates on first use and keeps in the data
 * folder, so that clients that insist on https (b24jssdk's B24Hook, b24pysdk) can be pointed at
 * a local Roster by trusting one file (`NODE_EXTRA_CA_CERTS`, `REQUESTS_CA_BUNDLE`, `--cacert`).
 *
 * It is a self-signed leaf (not a local CA plus a leaf): `selfsigned` cannot add the Subject and
 * Authority Key Identifier extensions, and without them a CA-signed chain fails OpenSSL's strict
 * verification, which Python 3.13 (and urllib3 2.3+, hence requests and b24pysdk) turn on by
 * default. A self-signed leaf that is its own trust anchor passes strict verification.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import selfsigned from 'selfsigned';

export const DEV_CERT_FILE = 'dev-cert.pem';
export const DEV_KEY_FILE = 'dev-key.pem';

/** Always in the certificate: what a loopback client can use to reach Roster. */
export const DEFAULT_NAMES = ['127.0.0.1', '::1', 'localhost'];

const VALID_DAYS = 365;
/** A certificate this close to its end is replaced at start-up rather than left to expire. */
const RENEW_DAYS = 30;

export interface DevCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
  /** the DNS names and IP addresses it is valid for */
  names: string[];
  validTo: Date;
  /** false when an existing certificate in the data folder was reused */
  created: boolean;
}

/** Splits a `--tls-host` value (`b24.test, other.test`) into names; throws on anything else. */
export function parseHostNames(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!isIP(name) && !/^(?=.{1,253}$)(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(name)) {
      throw new Error(`"${name}" is not a host name or an IP address`);
    }
  }
  return names;
}

/**
 * The development certificate in `dataDir`: reused when it exists, matches its key, covers every
 * wanted name and is not about to expire; generated (keeping the names it had) otherwise.
 */
export async function ensureDevCertificate(dataDir: string, extraNames: string[] = []): Promise<DevCertificate> {
  const dir = resolve(dataDir);
  const certPath = join(dir, DEV_CERT_FILE);
  const keyPath = join(dir, DEV_KEY_FILE);
  const wanted = unique([...DEFAULT_NAMES, ...extraNames].map(normaliseName));

  const existing = await readExisting(certPath, keyPath);
  if (existing) {
    const renewBy = new Date(Date.now() + RENEW_DAYS * 86400_000);
    const covers = wanted.every((n) => existing.names.includes(n));
    if (covers && existing.validTo > renewBy) return { certPath, keyPath, ...existing, created: false };
  }

  const names = unique([...wanted, ...(existing?.names ?? [])]);
  const { cert, key } = await generate(names);
  await mkdir(dir, { recursive: true });
  await writeAtomically(keyPath, key, 0o600);
  await writeAtomically(certPath, cert, 0o644);
  return { certPath, keyPath, cert, key, names, validTo: new Date(new X509Certificate(cert).validTo), created: true };
}

async function generate(names: string[]): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - 3600_000); // tolerate a client clock slightly behind
  const notAfterDate = new Date(notBeforeDate.getTime() + VALID_DAYS * 86400_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'Roster development certificate' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true }, // ECDSA signs; it does not encipher keys
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

async function readExisting(certPath: string, keyPath: string): Promise<{ cert: string; key: string; names: string[]; validTo: Date } | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return undefined;
    return { cert, key, names: sanNames(x509), validTo: new Date(x509.validTo) };
  } catch {
    return undefined; // missing, unreadable or damaged: make a new one
  }
}

/** The SAN entries of a certificate, as plain names (`localhost`, `127.0.0.1`, `::1`). */
export function sanNames(x509: X509Certificate): string[] {
  return (x509.subjectAltName ?? '')
    .split(', ')
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry)?.[1])
    .filter((n): n is string => Boolean(n))
    .map(normaliseName);
}

/** Lower-case names; IPv6 addresses in their shortest form (`0:0:...:1` → `::1`). */
function normaliseName(name: string): string {
  if (isIP(name) === 6) return new URL(`http://[${name}]/`).hostname.slice(1, -1);
  return name.toLowerCase();
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/** Writes through a temporary file and a rename, so a reader never sees half a key. */
async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode); // the umask may have narrowed or (on some systems) widened it
  await rename(tmp, path);
}
