/**
 * What b24phpsdk, CRest, b24pysdk and BX24.js-style code send on the wire, recorded from
 * spec/reference/clients.md and the clients' sources, with the rules by which each builds its URL
 * from what its user configures. docs/CLIENTS.md shows exactly these; wire-replay.test.ts keeps
 * the two in step and replays them against Roster.
 */
/** The host and secret the document shows; replaced by the test server's own. */
export const DOC_HOST = 'b24.test';
export const SECRET = '<secret>';
export const REQUEST_ID = '019a7c3e-5f21-7b8a-9c4d-2e6f1a3b5c7d';

export interface Recorded {
  id: string;
  client: string;
  /** the setup snippet in the document this request follows from, and the lines it must contain */
  snippet: { id: string; contains: string[] };
  /** how the client builds the request target from what the snippet configures */
  target: string;
  verb: 'GET' | 'POST';
  headers: [string, string][];
  body?: string;
  /** what the request means, asked the plain way (JSON body) for comparison */
  reference: { method: string; params: Record<string, unknown> } | { batch: Record<string, { method: string; params: Record<string, unknown> }> };
}

// ---- how each client turns its configuration into a URL (from its source) ----

/** The request target (path and query) of an absolute URL, kept byte for byte (no normalising). */
const targetOf = (url: string) => url.slice(url.indexOf('/', url.indexOf('//') + 2));

/** b24phpsdk EndpointUrlFormatter: sprintf('%s/%s/', $webhookUrl, strtolower($method)) . '?bx24_request_id=' . $id */
export const phpTarget = (webhookUrl: string, method: string) => targetOf(`${webhookUrl}/${method.toLowerCase()}/?bx24_request_id=${REQUEST_ID}`);
/** CRest callCurl: C_REST_WEB_HOOK_URL . $method . '.' . TYPE_TRANSPORT ('json') */
export const crestTarget = (hookUrl: string, method: string) => targetOf(`${hookUrl}${method}.json`);
/** b24pysdk call_method: f"https://{domain}/rest/{hook_key}{api_method}.json", hook_key = f"{auth_token}/" */
export const pyTarget = (authToken: string, method: string) => targetOf(`https://${DOC_HOST}/rest/${authToken}/${method}.json`);

const PHP_HEADERS: [string, string][] = [
  ['Accept', 'application/json'],
  ['Accept-Charset', 'utf-8'],
  ['User-Agent', 'b24-php-sdk-vendor-v-1.9.0-php-8.3.14'],
  ['X-BITRIX24-PHP-SDK-PHP-VERSION', '8.3.14'],
  ['X-BITRIX24-PHP-SDK-VERSION', '1.9.0'],
  ['X-Request-ID', REQUEST_ID],
  ['Content-Type', 'application/json'],
];
const CREST_HEADERS: [string, string][] = [
  ['User-Agent', 'Bitrix24 CRest PHP 1.36'],
  ['Accept', '*/*'],
];
const PY_HEADERS: [string, string][] = [
  ['User-Agent', 'b24-python-sdk-vendor-v-1.2.1-python-3.13.1'],
  ['Accept-Encoding', 'gzip, deflate'],
  ['Accept', 'application/json'],
  ['Connection', 'keep-alive'],
  ['Accept-Charset', 'utf-8'],
  ['X-BITRIX24-PYTHON-SDK-PYTHON-VERSION', '3.13.1'],
  ['X-BITRIX24-PYTHON-SDK-VERSION', '1.2.1'],
  ['X-Request-ID', REQUEST_ID],
  ['Content-Type', 'application/json'],
];

export const PHP_HOOK = `https://${DOC_HOST}/rest/1/${SECRET}`;
export const CREST_HOOK = `https://${DOC_HOST}/rest/1/${SECRET}/`;
export const PY_TOKEN = `1/${SECRET}`;
const FETCH_URL = `https://${DOC_HOST}/rest/1/${SECRET}/im.user.list.get.json`;

const userPage = (filter: Record<string, unknown>) => ({ order: { ID: 'ASC' }, filter, select: ['ID'], start: -1 });

export const RECORDED: Recorded[] = [
  {
    id: 'b24phpsdk-call',
    client: 'b24phpsdk',
    snippet: { id: 'b24phpsdk', contains: [`ServiceBuilderFactory::createServiceBuilderFromWebhook('${PHP_HOOK}')`, "$b24->core->call('im.user.list.get', ['ID' => [1, 2], 'AVATAR_HR' => 'Y'])"] },
    target: phpTarget(PHP_HOOK, 'im.user.list.get'),
    verb: 'POST',
    headers: PHP_HEADERS,
    body: '{"ID":[1,2],"AVATAR_HR":"Y"}',
    reference: { method: 'im.user.list.get', params: { ID: [1, 2], AVATAR_HR: 'Y' } },
  },
  {
    id: 'b24phpsdk-trailing-slash',
    client: 'b24phpsdk',
    snippet: { id: 'b24phpsdk', contains: [`createServiceBuilderFromWebhook('${PHP_HOOK}/')`, "$b24->core->call('user.get', ['order' => ['ID' => 'ASC'], 'filter' => [], 'select' => [], 'start' => 0])"] },
    target: phpTarget(`${PHP_HOOK}/`, 'user.get'),
    verb: 'POST',
    headers: PHP_HEADERS,
    // json_encode writes empty PHP arrays as []
    body: '{"order":{"ID":"ASC"},"filter":[],"select":[],"start":0}',
    reference: { method: 'user.get', params: { order: { ID: 'ASC' }, start: 0 } },
  },
  {
    id: 'b24phpsdk-batch',
    client: 'b24phpsdk',
    snippet: { id: 'b24phpsdk', contains: [`createServiceBuilderFromWebhook('${PHP_HOOK}')`, 'getTraversableList'] },
    target: phpTarget(PHP_HOOK, 'batch'),
    verb: 'POST',
    headers: PHP_HEADERS,
    // Batch::getTraversableList: http_build_query sub-queries, command ids are UUIDs; Symfony's
    // json option escapes & and / (JSON_HEX_AMP, no JSON_UNESCAPED_SLASHES)
    body:
      '{"halt":true,"cmd":{' +
      '"0198f5a2-7c41-7e0b-9d3a-4b5c6d7e8f90":"user.get?order%5BID%5D=ASC\\u0026filter%5B%3E%3DID%5D=51\\u0026filter%5B%3CID%5D=101\\u0026select%5B0%5D=ID\\u0026start=-1",' +
      '"0198f5a2-7c41-7e0b-9d3a-4b5c6d7e8f91":"user.get?order%5BID%5D=ASC\\u0026filter%5B%3E%3DID%5D=101\\u0026filter%5B%3C%3DID%5D=140\\u0026select%5B0%5D=ID\\u0026start=-1"}}',
    reference: {
      batch: {
        '0198f5a2-7c41-7e0b-9d3a-4b5c6d7e8f90': { method: 'user.get', params: userPage({ '>=ID': 51, '<ID': 101 }) },
        '0198f5a2-7c41-7e0b-9d3a-4b5c6d7e8f91': { method: 'user.get', params: userPage({ '>=ID': 101, '<=ID': 140 }) },
      },
    },
  },
  {
    id: 'crest-call',
    client: 'CRest',
    snippet: { id: 'crest', contains: [`define('C_REST_WEB_HOOK_URL', '${CREST_HOOK}');`, "CRest::call('im.user.list.get', ['ID' => [1, 2], 'AVATAR_HR' => 'Y'])"] },
    target: crestTarget(CREST_HOOK, 'im.user.list.get'),
    verb: 'POST',
    headers: [...CREST_HEADERS, ['Content-Type', 'application/x-www-form-urlencoded']],
    body: 'ID%5B0%5D=1&ID%5B1%5D=2&AVATAR_HR=Y',
    reference: { method: 'im.user.list.get', params: { ID: [1, 2], AVATAR_HR: 'Y' } },
  },
  {
    id: 'crest-no-params',
    client: 'CRest',
    snippet: { id: 'crest', contains: [`define('C_REST_WEB_HOOK_URL', '${CREST_HOOK}');`, "CRest::call('profile')"] },
    // empty parameters: no POST fields, so curl sends a GET
    target: crestTarget(CREST_HOOK, 'profile'),
    verb: 'GET',
    headers: CREST_HEADERS,
    reference: { method: 'profile', params: {} },
  },
  {
    id: 'crest-batch',
    client: 'CRest',
    snippet: { id: 'crest', contains: ["CRest::callBatch([", "'me' => ['method' => 'im.user.list.get'],", "'colleagues' => ['method' => 'im.department.colleagues.list', 'params' => ['USER_DATA' => 'Y', 'LIMIT' => 5]],", '], 0)'] },
    target: crestTarget(CREST_HOOK, 'batch'),
    verb: 'POST',
    headers: [...CREST_HEADERS, ['Content-Type', 'application/x-www-form-urlencoded']],
    body: 'cmd%5Bme%5D=im.user.list.get&cmd%5Bcolleagues%5D=im.department.colleagues.list%3FUSER_DATA%3DY%26LIMIT%3D5&halt=0',
    reference: {
      batch: {
        me: { method: 'im.user.list.get', params: {} },
        colleagues: { method: 'im.department.colleagues.list', params: { USER_DATA: 'Y', LIMIT: '5' } },
      },
    },
  },
  {
    id: 'b24pysdk-call',
    client: 'b24pysdk',
    snippet: { id: 'b24pysdk', contains: [`BitrixWebhook(domain="${DOC_HOST}", auth_token="${PY_TOKEN}")`, 'hook.call_method("im.user.list.get", {"ID": [1, 2], "AVATAR_HR": "Y"})'] },
    target: pyTarget(PY_TOKEN, 'im.user.list.get'),
    verb: 'POST',
    headers: PY_HEADERS,
    // requests' json= uses json.dumps with its default ", " and ": " separators
    body: '{"ID": [1, 2], "AVATAR_HR": "Y"}',
    reference: { method: 'im.user.list.get', params: { ID: [1, 2], AVATAR_HR: 'Y' } },
  },
  {
    id: 'b24pysdk-list-fast',
    client: 'b24pysdk',
    snippet: { id: 'b24pysdk', contains: [`BitrixWebhook(domain="${DOC_HOST}", auth_token="${PY_TOKEN}")`, 'hook.call_list_fast("user.get")'] },
    target: pyTarget(PY_TOKEN, 'user.get'),
    verb: 'POST',
    headers: PY_HEADERS,
    // as_list_fast for user.*: SORT/ORDER instead of order, start=-1
    body: '{"SORT": "ID", "ORDER": "ASC", "start": -1}',
    reference: { method: 'user.get', params: { SORT: 'ID', ORDER: 'ASC', start: -1 } },
  },
  {
    id: 'b24pysdk-batch',
    client: 'b24pysdk',
    snippet: { id: 'b24pysdk', contains: ['hook.call_list_fast("user.get")'] },
    target: pyTarget(PY_TOKEN, 'batch'),
    verb: 'POST',
    headers: PY_HEADERS,
    // convert_params: brackets kept, keys and values urllib.parse.quote-d; the next page's cursor is
    // a $result reference to the previous command's 50th row
    body:
      '{"cmd": {"req_0": "user.get?SORT=ID&ORDER=ASC&filter[%3EID]=50&start=-1", ' +
      '"req_1": "user.get?SORT=ID&ORDER=ASC&filter[%3EID]=%24result%5Breq_0%5D%5B49%5D%5BID%5D&start=-1"}, "halt": true}',
    reference: {
      batch: {
        req_0: { method: 'user.get', params: { SORT: 'ID', ORDER: 'ASC', filter: { '>ID': 50 }, start: -1 } },
        req_1: { method: 'user.get', params: { SORT: 'ID', ORDER: 'ASC', filter: { '>ID': '$req_0.49.ID' }, start: -1 } },
      },
    },
  },
  {
    id: 'fetch-form',
    client: 'BX24.js-style fetch',
    snippet: { id: 'fetch', contains: [`fetch('${FETCH_URL}'`, "new URLSearchParams({ 'ID[0]': '1', 'ID[1]': '2' })"] },
    target: targetOf(FETCH_URL),
    verb: 'POST',
    headers: [['Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8']],
    body: new URLSearchParams({ 'ID[0]': '1', 'ID[1]': '2' }).toString(),
    reference: { method: 'im.user.list.get', params: { ID: [1, 2] } },
  },
];

/** A recorded request as the document shows it. */
export function render(r: Recorded): string {
  const lines = [`${r.verb} ${r.target} HTTP/1.1`, `Host: ${DOC_HOST}`, ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  return r.body === undefined ? lines.join('\n') : `${lines.join('\n')}\n\n${r.body}`;
}

