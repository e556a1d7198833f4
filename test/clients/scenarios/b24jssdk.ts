/**
 * @bitrix24/b24jssdk used as its README shows: a B24Hook built from the webhook URL, then its
 * call, list and batch helpers. Each scenario returns what the SDK handed back to its caller.
 */
import { ApiVersion, B24Hook, B24OAuth, type AjaxResult, type Result } from '@bitrix24/b24jssdk';
import type { Scenario } from './types.js';

/** The recipe from clients.md §9: the SDK's own limiter out of the way, so Roster's is the one tested. */
export const GENEROUS = { rateLimit: { burstLimit: 1000, drainRate: 1000, adaptiveEnabled: false } };

const hooks = new Map<string, B24Hook>();

/** One client per webhook and settings, kept between scenarios as an application would keep it. */
function client(args: { hook: string; restrictionParams?: object }): B24Hook {
  const key = `${args.hook} ${JSON.stringify(args.restrictionParams ?? GENEROUS)}`;
  let b24 = hooks.get(key);
  if (!b24) {
    b24 = B24Hook.fromWebhookUrl(args.hook, { restrictionParams: { ...GENEROUS, ...args.restrictionParams } });
    hooks.set(key, b24);
  }
  return b24;
}

function errorsOf(result: Result): { errors: string[]; errorsByKey: Record<string, string> } {
  return { errors: result.getErrorMessages(), errorsByKey: result.getErrorMessagesByKey() };
}

function ajax(res: AjaxResult) {
  const data = res.getData();
  return {
    isSuccess: res.isSuccess,
    status: res.getStatus(),
    result: data?.result,
    time: data?.time,
    total: res.getTotal(),
    isMore: res.isMore(),
    errors: res.getErrorMessages(),
  };
}

/** OAuth clients by client_id and user, each counting the token refreshes it made. */
const oauthClients = new Map<string, { b24: B24OAuth; refreshes: number }>();

/** The token answer of Roster's /oauth/token/ as B24OAuth takes it, as an application keeps it. */
interface OAuthArgs {
  clientId: string;
  clientSecret: string;
  token: { access_token: string; refresh_token: string; expires_in: number; expires: number; scope: string; domain: string; client_endpoint: string; server_endpoint: string; member_id: string; user_id: number; status: string };
  restrictionParams?: object;
}

function oauthClient(args: OAuthArgs) {
  const key = `${args.clientId} ${args.token.user_id}`;
  let entry = oauthClients.get(key);
  if (!entry) {
    const t = args.token;
    const b24 = new B24OAuth(
      {
        applicationToken: '',
        userId: t.user_id,
        memberId: t.member_id,
        accessToken: t.access_token,
        refreshToken: t.refresh_token,
        expires: t.expires,
        expiresIn: t.expires_in,
        scope: t.scope,
        domain: t.domain,
        clientEndpoint: t.client_endpoint,
        serverEndpoint: t.server_endpoint,
        status: t.status,
      } as never,
      { clientId: args.clientId, clientSecret: args.clientSecret },
      { restrictionParams: { ...GENEROUS, ...args.restrictionParams } },
    );
    const made = { b24, refreshes: 0 };
    b24.setCallbackRefreshAuth(async () => {
      made.refreshes++;
    });
    oauthClients.set(key, made);
    entry = made;
  }
  return entry;
}

export const scenarios: Record<string, Scenario> = {
  /** B24OAuth (a server-side application with a token pair): callMethod, and how often it refreshed */
  async oauthCall(args: OAuthArgs & { method: string; params?: object }) {
    const client = oauthClient(args);
    const res = await client.b24.callMethod(args.method, args.params ?? {});
    return { ...ajax(res), refreshes: client.refreshes };
  },

  /** the deprecated, most used entry point */
  async callMethod(args: { hook: string; method: string; params?: object; restrictionParams?: object }) {
    return ajax(await client(args).callMethod(args.method, args.params ?? {}));
  },

  /** the current API: actions.v2.call */
  async call(args: { hook: string; method: string; params?: object }) {
    return ajax(await client(args).actions.v2.call.make({ method: args.method, params: args.params ?? {} }));
  },

  /** several calls at once, as an app does; each result as callMethod's */
  async callMany(args: { hook: string; method: string; params?: object; count: number; restrictionParams?: object }) {
    const b24 = client(args);
    const all = await Promise.all(Array.from({ length: args.count }, () => b24.callMethod(args.method, args.params ?? {})));
    return all.map(ajax);
  },

  /** manual paging: AjaxResult.fetchNext() until isMore() is false */
  async pages(args: { hook: string; method: string; params?: object }) {
    const b24 = client(args);
    const pages: { count: number; total: number; isMore: boolean }[] = [];
    const items: unknown[] = [];
    let res: AjaxResult | null = await b24.callMethod(args.method, args.params ?? {});
    while (res) {
      const rows = res.getData()?.result as unknown[];
      items.push(...rows);
      pages.push({ count: rows.length, total: res.getTotal(), isMore: res.isMore() });
      res = res.isMore() ? await res.fetchNext(b24.getHttpClient(ApiVersion.v2)) : null;
    }
    return { pages, items };
  },

  /** deprecated callListMethod: start=0, then follows `next` */
  async callListMethod(args: { hook: string; method: string; params?: object; customKey?: string }) {
    const progress: number[] = [];
    const result = await client(args).callListMethod(args.method, args.params ?? {}, (p) => progress.push(p), args.customKey ?? null);
    return { isSuccess: result.isSuccess, items: result.getData(), progress, ...errorsOf(result) };
  },

  /** deprecated fetchListMethod: the `>ID` cursor with start=-1, yielded page by page */
  async fetchListMethod(args: { hook: string; method: string; params?: object; idKey?: string }) {
    const chunks: unknown[][] = [];
    for await (const chunk of client(args).fetchListMethod(args.method, args.params ?? {}, args.idKey ?? 'ID')) chunks.push(chunk);
    return { chunkSizes: chunks.map((c) => c.length), items: chunks.flat() };
  },

  /** actions.v2.callList: the `>ID` cursor with start=-1, all in memory */
  async callList(args: { hook: string; method: string; params?: object; idKey?: string }) {
    const result = await client(args).actions.v2.callList.make({ method: args.method, params: args.params ?? {}, idKey: args.idKey });
    return { isSuccess: result.isSuccess, items: result.getData(), ...errorsOf(result) };
  },

  /** actions.v2.fetchList: the same cursor, streamed */
  async fetchList(args: { hook: string; method: string; params?: object; idKey?: string }) {
    const chunks: unknown[][] = [];
    for await (const chunk of client(args).actions.v2.fetchList.make({ method: args.method, params: args.params ?? {}, idKey: args.idKey })) {
      chunks.push(chunk as unknown[]);
    }
    return { chunkSizes: chunks.map((c) => c.length), items: chunks.flat() };
  },

  /** deprecated callBatch: calls as an array of [method, params] or an object of {method, params} */
  async callBatch(args: { hook: string; calls: unknown[] | object; halt?: boolean; returnAjaxResult?: boolean }) {
    const result = await client(args).callBatch(args.calls, args.halt ?? true, args.returnAjaxResult ?? false);
    let data = result.getData() as unknown;
    if (args.returnAjaxResult) {
      // a map (or array) of AjaxResult: keep what a caller reads from each
      const entries = data instanceof Map ? [...data.entries()] : Object.entries(data as object);
      data = Object.fromEntries(entries.map(([k, r]) => [k, { isSuccess: (r as AjaxResult).isSuccess, result: (r as AjaxResult).getData()?.result, total: (r as AjaxResult).getTotal() }]));
    }
    return { isSuccess: result.isSuccess, data, ...errorsOf(result) };
  },

  /** deprecated callBatchByChunk: any number of [method, params], 50 per request */
  async callBatchByChunk(args: { hook: string; calls: unknown[]; halt?: boolean }) {
    const result = await client(args).callBatchByChunk(args.calls, args.halt ?? true);
    return { isSuccess: result.isSuccess, data: result.getData(), ...errorsOf(result) };
  },

  /** actions.v2.batchByChunk */
  async batchByChunk(args: { hook: string; calls: unknown[]; halt?: boolean }) {
    const result = await client(args).actions.v2.batchByChunk.make({ calls: args.calls as never, options: { isHaltOnError: args.halt ?? true } });
    return { isSuccess: result.isSuccess, data: result.getData(), ...errorsOf(result) };
  },
};
