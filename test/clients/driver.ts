/**
 * Runs real Bitrix24 clients on behalf of a test, in a child process of its own: a client that
 * talks https to Roster must trust the development certificate, and Node reads
 * NODE_EXTRA_CA_CERTS only when a process starts. The clients are used exactly as their users
 * use them; nothing in them is patched.
 *
 * Protocol (IPC): the parent sends {id, client, scenario, args}; the child answers {id, ok, value}
 * with what the client returned to its caller, or {id, ok: false, error} with what it threw.
 */
import { scenarios as b24jssdk } from './scenarios/b24jssdk.js';
import { scenarios as twobad } from './scenarios/2bad.js';
import type { DriverReply, DriverRequest, Scenario } from './scenarios/types.js';

const clients: Record<string, Record<string, Scenario>> = { b24jssdk, '2bad': twobad };

/** A thrown value as plain data: its class, code, HTTP status, message and any response body. */
function describeError(error: unknown): NonNullable<DriverReply['error']> {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const e = error as Error & { code?: unknown; status?: unknown; response?: { statusCode?: number; body?: unknown } };
  let status: unknown;
  try {
    status = e.status; // SdkError exposes it as a getter
  } catch {
    status = undefined;
  }
  return {
    name: e.constructor.name,
    message: e.message,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    ...(e.response ? { status: e.response.statusCode, body: e.response.body } : {}),
  };
}

process.on('message', (message: DriverRequest) => {
  void (async () => {
    let reply: DriverReply;
    try {
      const scenario = clients[message.client]?.[message.scenario];
      if (!scenario) throw new Error(`no scenario ${message.client}/${message.scenario}`);
      reply = { id: message.id, ok: true, value: await scenario(message.args) };
    } catch (error) {
      reply = { id: message.id, ok: false, error: describeError(error) };
    }
    process.send?.(reply);
  })();
});
// a test that ends (or dies) without closing the driver must not leave it running
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, ok: true, value: 'ready' } satisfies DriverReply);
