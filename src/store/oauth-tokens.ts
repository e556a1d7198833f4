/**
 * Random credentials of the OAuth module and their stored form. Tokens and codes are 50
 * lower-case letters and digits (about 258 bits), the look of Bitrix24's; only their SHA-256
 * reaches the database.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newSecret } from './webhooks.js';
import { clock } from '../clock.js';

export const ACCESS_TOKEN_SECONDS = 3600;
export const REFRESH_TOKEN_SECONDS = 180 * 24 * 3600;
/** Bitrix24 gives 30 s; a little more leaves room for a slow machine between redirect and exchange */
export const CODE_SECONDS = 60;

export const TOKEN_LENGTH = 50;
const TOKEN_SHAPE = /^[a-z0-9]{50}$/;

export function newToken(): string {
  return newSecret(TOKEN_LENGTH);
}

/** Whether a string is shaped like a token Roster issues (50 lower-case letters and digits). */
export function isTokenShaped(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/**
 * Whether a string is malformed as a bearer token of any issuer (RFC 6750 `b64token`
 * characters, at most 512): such a value is `invalid_token`; a well-formed one that is not
 * ours or not known is an unknown token, `NO_AUTH_FOUND`.
 */
export function isMalformedToken(value: string): boolean {
  return !/^[A-Za-z0-9._~+/=-]{1,512}$/.test(value);
}

export function hashToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** `local.<14 hex>.<8 digits>`, the shape of a Bitrix24 local application's client_id. */
export function newClientId(): string {
  const digits = String(randomBytes(4).readUInt32BE() % 100000000).padStart(8, '0');
  return `local.${randomBytes(7).toString('hex')}.${digits}`;
}

export function newClientSecret(): string {
  return newSecret(TOKEN_LENGTH);
}

export const nowUnix = () => clock.unix();
