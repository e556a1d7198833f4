/**
 * User passwords for the sign-in page: scrypt (node:crypto) with a random salt, stored as
 * `scrypt$N$r$p$salt$hash` (base64) in `users.password_hash`, compared in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** scrypt needs 128·N·r bytes: 32 MiB here, above node's 32 MiB default ceiling with headroom */
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem: MAXMEM }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P }, KEY_LENGTH);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A stored value of unknown shape never matches; the work is done anyway, so timing tells nothing. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored ?? '');
  if (!m) {
    await derive(password, Buffer.alloc(16), { N, r: R, p: P }, KEY_LENGTH);
    return false;
  }
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n > 1048576 || r > 32 || p > 16) return false; // not ours, and too costly to try
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), { N: n, r, p }, expected.length || KEY_LENGTH);
  return expected.length > 0 && timingSafeEqual(key, expected);
}

/** A password a person may set: at least 8 characters, at most 1024. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return 'the password must have at least 8 characters';
  if (password.length > 1024) return 'the password must have at most 1024 characters';
  return null;
}
