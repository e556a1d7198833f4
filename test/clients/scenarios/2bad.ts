/**
 * @2bad/bitrix used as its README shows: `Bitrix(webhookUrl)`, then `call`, `list` and `batch`.
 * Each scenario returns the payload the client resolved with.
 */
import { Bitrix } from '@2bad/bitrix';
import type { Scenario } from './types.js';

type Client = ReturnType<typeof Bitrix>;
const clients = new Map<string, Client>();

function client(hook: string): Client {
  let bitrix = clients.get(hook);
  if (!bitrix) {
    bitrix = Bitrix(hook);
    clients.set(hook, bitrix);
  }
  return bitrix;
}

// its typings only admit the CRM and user methods it knows; the calls themselves take any method
type Loose = (method: string, params?: unknown) => Promise<unknown>;

export const scenarios: Record<string, Scenario> = {
  async call(args: { hook: string; method: string; params?: object }) {
    return (client(args.hook).call as unknown as Loose)(args.method, args.params ?? {});
  },

  /** `list`: the first page, then every page from `start=0` by 50 in one (chunked) batch */
  async list(args: { hook: string; method: string; params?: object }) {
    return (client(args.hook).list as unknown as Loose)(args.method, args.params ?? {});
  },

  /** `batch`: any number of {method, params} commands (array or named), 50 per request, merged */
  async batch(args: { hook: string; commands: unknown }) {
    return (client(args.hook).batch as unknown as (commands: unknown) => Promise<unknown>)(args.commands);
  },

  /** the typed users service: `users.get(id)` sends a lower-case `id` */
  async usersGet(args: { hook: string; id?: string }) {
    return client(args.hook).users.get(args.id);
  },
};
