/**
 * docs/COMPATIBILITY.md and README's method table, generated from the method registry so they
 * cannot drift from what the server answers. `npm run docs` rewrites both; `--check` only
 * compares and exits 1 when either is stale (test/http/compatibility.test.ts does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVENTS } from '../src/events/catalog.js';
import { createRegistry } from '../src/methods/index.js';
import { documentedParams, paramTypeText, type MethodDefinition, type MethodRegistry } from '../src/rest/registry.js';
import { isScope } from '../src/rest/scopes.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const COMPATIBILITY_PATH = join(ROOT, 'docs', 'COMPATIBILITY.md');
export const README_PATH = join(ROOT, 'README.md');
export const METHODS_START = '<!-- methods:start -->';
export const METHODS_END = '<!-- methods:end -->';

/** CONTRACT.md §9: where Roster differs from the reference server for every method it touches. */
const CONTRACT_DIFFERENCES: readonly [string, string, string][] = [
  ['`im.user.list.get` without `ID` → `INVALID_FORMAT`', 'current user', 'seed documents'],
  ['`avatar_hr` always present', 'only with `AVATAR_HR=Y`', 'seed documents'],
  ['`status` always `"online"`', 'the selected status', 'seed documents ("selected user status")'],
  ['`phones` only non-empty keys, `false` when none', 'the three seed keys, `""` when unset', 'seed documents'],
  ['ids hidden from an extranet caller omitted; the caller\'s own id omitted', '`null`, like an unknown id; own id returned', 'seed shape; no existence oracle; upstream bug'],
  ['`LIMIT=0` gives an empty page with the same `next` (clients loop)', '`LIMIT` below 1 means 10', 'clients must terminate'],
  ['`im.search.department.list` `next` ignores the offset (clients loop)', '`next = offset + returned`', 'clients must terminate'],
  ['`im.search.user.list` swaps `last_activity_date` and `mobile_last_date`', 'not swapped', 'upstream bug'],
  ['malformed JSON body silently ignored', '400 `ERROR_ARGUMENT` "Malformed JSON body"', 'bad input gets a clear error'],
  ['a headless department\'s `manager_user_data` is the caller', '`null`', 'upstream bug'],
];

/** Transport-level choices that belong to no single method. */
/** Where event delivery differs from a Bitrix24 portal (docs/EVENTS.md has the whole story). */
const EVENT_DIFFERENCES: readonly [string, string, string][] = [
  ['`ONUSERADD` fires when an invited user completes registration, not on invitation', 'fires when `user.add` adds an active user (Roster has no invitation step); an import raises it only with `--events-on-import`', 'Roster users exist once added'],
  ['handler URLs on localhost or a private network are refused', 'any http(s) host, unless `--event-hosts` narrows it', 'events you can point at localhost'],
  ['a failed delivery is never retried', 'the same by default; `--event-retries N` retries with exponential backoff', 'reliable test runs when asked'],
  ['no delivery log for applications', 'every attempt logged: `GET /_roster/deliveries`, `roster deliveries`', 'see what was sent'],
  ['`server_endpoint` is `https://oauth.bitrix.info/rest/`', 'this server\'s `/rest/`, as in the token answer', 'one server plays portal and OAuth server'],
  ['`auth_connector` keeps an application\'s own changes out of its offline queue', 'stored and separating queues, but calls are not tagged with it', 'not yet implemented'],
];

const WIRE_DIFFERENCES: readonly [string, string, string][] = [
  ['every auth error is HTTP 401 (source); the docs say 403 for some', '401 `NO_AUTH_FOUND`, `INVALID_CREDENTIALS`, `expired_token`, `invalid_token`; 403 `insufficient_scope`, `ACCESS_DENIED`', 'CONTRACT §7: the statuses SDKs branch on'],
  ['webhooks over http answer `INVALID_REQUEST` "Https required."', 'http and https both served (`--tls`)', 'local development; b24jssdk and b24pysdk get https'],
  ['`/`, `<`, `>`, `&`, quotes escaped in JSON strings (`\\/`, `\\u003C`)', 'plain JSON escaping', 'the same values to every JSON parser'],
  ['an oversized request fails in the web server, often as HTML', '413 `PAYLOAD_TOO_LARGE` (body over `--body-limit`), 431 `HEADERS_TOO_LARGE` (URL and headers over 16 KiB), 400 `BAD_REQUEST`, all JSON', 'clients parse every answer as JSON'],
  ['no limit on ids per call', 'at most `--max-ids` (default 1000), else `INVALID_FORMAT` saying so', 'bounded work per request'],
  ['PHP reads up to `max_input_vars` parameters (1,000 by default) and drops the rest with a warning', 'up to `--max-params` values (default 20,000) and `--max-depth` levels of nesting (default 32) in any encoding, else 400 `ERROR_ARGUMENT` saying so', 'bounded decoding before authentication'],
  ['no limit on what one request answers (a batch multiplies it)', 'at most `--max-ids` user objects per call and `--max-answer-users` (default 5,000) per request, a batch counted whole, and `--max-answer-bytes` of answer (default 16 MiB), else 413 `ANSWER_TOO_LARGE`', 'bounded memory and time per request'],
  ['one filter condition written twice (`ID` and `id`, ` ID`) applies twice', '400 `ERROR_ARGUMENT` naming both keys; text filters take at most 100 values per key, all keys together at most `--max-ids` values', 'bounded statements on both engines'],
  ['the request-rate bucket is per portal (and caller IP)', 'per credential: a webhook, or an OAuth application', 'one directory serves many independent integrations'],
  ['operating time ignores calls under 0.1 s', 'every call counts', 'a small `--operating-budget` is testable'],
  ['`time.duration` is the difference of two clock readings printed in full (up to 17 digits)', 'rounded to the microsecond, like `operating`', 'the digits past the clock\'s precision were noise'],
];

/** The directory's rules (src/directory/rules.ts) where they differ from upstream; REST and import refuse alike. */
const RULE_DIFFERENCES: readonly [string, string, string][] = [
  ['a department head may be moved out of the department, dismissed, or be an extranet user; `UF_HEAD` keeps pointing at them', 'refused with `ERROR_ARGUMENT` `[head_not_member]`, `[head_inactive]`, `[extranet_head]` until the department gets another head (import: the same rule names)', 'a head is an active intranet member of what they head: `export` then `import` always round-trips'],
  ['extranet users (and collabers) can be put into departments by some paths', 'refused: `[extranet_department]`', 'one rule for REST and import'],
  ['duplicate logins possible through some APIs', 'a login is unique (schema constraint), `[duplicate_login]`', 'webhook URLs and sign-in find a user by login'],
  ['e-mail uniqueness is a portal setting', 'always unique, case-insensitively, `[duplicate_email]`', 'sign-in and import key users by address'],
  ['the top-level department can be re-parented by some paths', 'refused: `[root]`; no cycles `[cycle]`', 'the tree stays a tree'],
  ['refusals carry per-method texts', 'a rule\'s refusal is `ERROR_ARGUMENT` naming the parameter, description `<message> [<rule>]`, the message `roster import` prints', 'one set of rules'],
];

const LIST_STYLES: Record<MethodDefinition['list'], string> = {
  none: '—',
  standard: 'start/next, 50',
  offset: 'OFFSET/LIMIT',
};

/** Text for a Markdown table cell: pipes escaped, no line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** The scopes a webhook or application can be given that grant the method. */
function scopesOf(m: MethodDefinition): string {
  const scopes = (m.grantedBy ?? [m.scope]).filter((s) => s === 'basic' || isScope(s));
  return scopes.map((s) => `\`${s}\``).join(', ');
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The whole of docs/COMPATIBILITY.md. */
export function compatibilityMarkdown(registry: MethodRegistry = createRegistry()): string {
  const methods = registry.all();
  const withDifferences = methods.filter((m) => m.differences?.length);
  const lines = [
    '# Compatibility with the Bitrix24 REST API',
    '',
    '<!-- Generated by `npm run docs` (scripts/compatibility.ts) from the method registry: do not edit by hand. -->',
    '',
    `Roster answers ${methods.length} methods over the Bitrix24 REST wire.`,
    'Method names are matched case-insensitively; every method runs inside `batch` unless noted.',
    'Where the seed documents, the public Bitrix24 REST docs and the reference server disagree, that is',
    'the order that decides; what is left, and every upstream behaviour that makes clients loop, leak',
    'data or crash, is listed below as a deliberate difference.',
    '',
    '## Methods',
    '',
    '*list*: `start/next, 50` is the standard navigation (pages of exactly 50, `start=N` gives rows',
    'N..N+49, `total`, `next` while rows remain, `start=-1` without either); `OFFSET/LIMIT` is the im',
    'style (LIMIT 10 by default, at most 50, a positive `start` overrides OFFSET). *scopes*: any one of',
    'them grants the method; `basic` methods need none.',
    '',
    table(
      ['method', 'scopes', 'list', 'summary'],
      methods.map((m) => [`\`${m.name}\`${m.batch === false ? ' (not in batch)' : ''}`, scopesOf(m), LIST_STYLES[m.list], m.summary]),
    ),
    '',
    '## Deliberate differences',
    '',
    '### Across methods (CONTRACT §9)',
    '',
    table(['upstream behaviour', 'Roster', 'why'], CONTRACT_DIFFERENCES.map((row) => [...row])),
    '',
    '### The wire',
    '',
    table(['upstream behaviour', 'Roster', 'why'], WIRE_DIFFERENCES.map((row) => [...row])),
    '',
    '### Directory rules',
    '',
    table(['upstream behaviour', 'Roster', 'why'], RULE_DIFFERENCES.map((row) => [...row])),
    '',
    '### Events',
    '',
    table(['upstream behaviour', 'Roster', 'why'], EVENT_DIFFERENCES.map((row) => [...row])),
    '',
    'Events Roster sends (payloads and delivery rules: [EVENTS.md](EVENTS.md)); `ONROSTER*` are Roster extensions:',
    '',
    table(['event', 'scopes', 'origin', 'when'], EVENTS.map((e) => [`\`${e.name}\``, e.scopes.length ? e.scopes.map((x) => `\`${x}\``).join(', ') : '`basic`', e.upstream ? 'Bitrix24' : 'Roster extension', e.summary])),
    '',
    '### Per method',
    '',
  ];
  for (const m of withDifferences) {
    lines.push(`#### \`${m.name}\``, '');
    for (const d of m.differences!) lines.push(`- ${d}`);
    lines.push('');
  }
  lines.push(
    '## Parameters',
    '',
    'What each method reads (names of `im.*` methods in any letter case; others as written; other spellings',
    'in parentheses). Lists take an array, a bracket array (`ID[]=4&ID[]=5`) or what the description says; objects',
    'take JSON or brackets (`FILTER[>ID]=10`). A test calls every method and fails when a handler reads a',
    'parameter that is not listed here, or never reads one that is.',
    '',
    ...methods.flatMap((m) => {
      const params = documentedParams(m);
      if (!params.length) return [];
      return [
        `### \`${m.name}\``,
        '',
        table(
          ['parameter', 'type', 'required', 'meaning'],
          params.map((p) => [`\`${p.name}\`${p.aliases?.length ? ` (${p.aliases.map((a) => `\`${a}\``).join(', ')})` : ''}`, paramTypeText(p), p.required ? 'yes' : '', p.description]),
        ),
        '',
      ];
    }),
    `Without parameters: ${methods.filter((m) => documentedParams(m).length === 0).map((m) => `\`${m.name}\``).join(', ')}.`,
    '',
  );
  return `${lines.join('\n').trimEnd()}\n`;
}

/** README's method table: name, scopes and summary, linking to the full document. */
export function readmeMethodsTable(registry: MethodRegistry = createRegistry()): string {
  const methods = registry.all();
  return [
    `${methods.length} methods; paging, scopes and every deliberate difference from Bitrix24 are in`,
    '[docs/COMPATIBILITY.md](docs/COMPATIBILITY.md). Generated by `npm run docs`.',
    '',
    table(['method', 'scopes', 'what it does'], methods.map((m) => [`\`${m.name}\``, scopesOf(m), m.summary])),
  ].join('\n');
}

/** `text` with what lies between the two markers replaced; the markers must be there once each. */
export function replaceBetweenMarkers(text: string, content: string, start = METHODS_START, end = METHODS_END): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from || text.indexOf(start, from + 1) >= 0) {
    throw new Error(`expected one ${start} ... ${end} block`);
  }
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const registry = createRegistry();
  const wanted: [string, string][] = [
    [COMPATIBILITY_PATH, compatibilityMarkdown(registry)],
    [README_PATH, replaceBetweenMarkers(readFileSync(README_PATH, 'utf8'), readmeMethodsTable(registry))],
  ];
  let stale = 0;
  for (const [path, content] of wanted) {
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (check) {
      console.error(`${path} is out of date: run npm run docs`);
      stale++;
    } else {
      writeFileSync(path, content);
      console.log(`wrote ${path}`);
    }
  }
  return stale ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
