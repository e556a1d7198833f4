/**
 * Handler URLs: where a binding may send events. A handler URL is a request the server makes on
 * a caller's behalf, so it is checked when bound and again before every delivery.
 */
export const MAX_HANDLER_LENGTH = 2048;

/** Why `value` cannot be a handler URL, or null when it can. */
export function handlerUrlProblem(value: string, allowedHosts: string): string | null {
  if (value.length > MAX_HANDLER_LENGTH) return `the handler URL is longer than ${MAX_HANDLER_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'the handler must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'the handler must be an http:// or https:// URL';
  if (url.username !== '' || url.password !== '') return 'the handler URL must not carry credentials (user:password@)';
  if (!hostAllowed(url.hostname, allowedHosts)) return `the handler host ${url.hostname} is not allowed by the server's --event-hosts`;
  return null;
}

/**
 * Whether `host` matches the `--event-hosts` list: empty allows every host; `name` matches
 * exactly, `*.name` matches names below it (not `name` itself). IPv6 literals are compared
 * without brackets.
 */
export function hostAllowed(host: string, allowedHosts: string): boolean {
  const patterns = allowedHosts.split(',').map((p) => p.trim().toLowerCase().replace(/^\[|\]$/g, '')).filter(Boolean);
  if (patterns.length === 0) return true;
  const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return patterns.some((p) => (p.startsWith('*.') ? name.endsWith(p.slice(1)) && name.length > p.length - 1 : name === p));
}
