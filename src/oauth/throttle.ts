/**
 * Sign-in throttling for the OAuth page. Each attempt is reserved BEFORE the password is
 * checked, per account and per client address, in one atomic step of the limits' counter store
 * (memory, or Redis shared by every instance): of any number of parallel guesses at most the
 * limit are ever checked. A wrong password keeps its reservation (it is a failure); the right one
 * gives it back. When the counter store cannot answer, sign-in is refused (fail closed): an
 * unthrottled sign-in page is a password-guessing service.
 */
import type { LimitBackend } from '../rest/limits.js';

/** Failed sign-ins per account in one window before it is refused until the window ends. */
export const MAX_FAILED_PER_ACCOUNT = 10;
/** Failed sign-ins per client address in one window, over all the accounts it tries. */
export const MAX_FAILED_PER_ADDRESS = 50;
/** The window starts with the first failure and lasts 10 minutes. */
export const FAILURE_WINDOW_SECONDS = 600;

export type SignInTicket =
  | { ok: true; release: () => Promise<void> }
  | { ok: false; reason: 'throttled'; resetAt: number }
  | { ok: false; reason: 'unavailable'; error: unknown };

/**
 * Reserves one attempt for the account (`account`: the user id the login or e-mail resolved to,
 * or the login itself when it resolved to nobody) from `address`.
 */
export async function reserveSignIn(backend: LimitBackend | undefined, account: string, address: string): Promise<SignInTicket> {
  if (!backend) return { ok: false, reason: 'unavailable', error: new Error('no counter store') };
  const byAddress = `signin:address:${address}`;
  const byAccount = `signin:account:${account}`;
  try {
    const a = await backend.reserve(byAddress, MAX_FAILED_PER_ADDRESS, FAILURE_WINDOW_SECONDS);
    if (!a.allowed) return { ok: false, reason: 'throttled', resetAt: a.resetAt };
    const b = await backend.reserve(byAccount, MAX_FAILED_PER_ACCOUNT, FAILURE_WINDOW_SECONDS);
    if (!b.allowed) {
      // no password is checked: this attempt does not count against the address
      await backend.release(byAddress);
      return { ok: false, reason: 'throttled', resetAt: b.resetAt };
    }
  } catch (error) {
    return { ok: false, reason: 'unavailable', error };
  }
  return {
    ok: true,
    release: async () => {
      await Promise.all([backend.release(byAccount), backend.release(byAddress)]).catch(() => undefined);
    },
  };
}
