/**
 * One POST to a handler. Whatever the handler does (hang, answer 500, close the connection,
 * redirect, stream 100 MB) costs at most the timeout: redirects are not followed, and the
 * response is read up to a small cap and then dropped.
 */
import { clock } from '../clock.js';

/** Bytes of a response read at most; the log keeps a shorter snippet. */
export const RESPONSE_CAP = 64 * 1024;
export const SNIPPET_LENGTH = 1024;

export interface SendOutcome {
  ok: boolean;
  httpStatus: number | null;
  response: string;
  error: string;
  durationMs: number;
}

export async function postForm(url: string, body: string, timeoutMs: number): Promise<SendOutcome> {
  const started = clock.now();
  const signal = AbortSignal.timeout(timeoutMs);
  let httpStatus: number | null = null;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Roster events' },
      body,
      redirect: 'manual',
      signal,
    });
    httpStatus = res.status;
    const response = await readCapped(res);
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? '' : res.status >= 300 && res.status < 400 ? `redirect to ${res.headers.get('location') ?? '?'} not followed` : `HTTP ${res.status}`;
    return { ok, httpStatus, response, error, durationMs: clock.now() - started };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const error = signal.aborted ? `timeout after ${timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { ok: false, httpStatus, response: '', error, durationMs: clock.now() - started };
  }
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_CAP) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    // stop reading: the rest of a huge answer is never downloaded
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, SNIPPET_LENGTH).toString('utf8');
}
