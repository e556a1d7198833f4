import { z } from 'zod';

/**
 * Every setting of a Roster server: its command-line flag, its environment variable, its
 * default and its validation. A value given as a flag wins over the environment.
 */
const yesNo = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])]).transform(
  (v) => v === true || v === '1' || v === 'true' || v === 'yes' || v === 'on',
);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** How long the change feed keeps its rows: an age, a row count, or both (whichever is smaller wins). */
export interface ChangesKeep {
  /** milliseconds, or null for no age limit */
  ageMs: number | null;
  /** sequence numbers, or null for no count limit */
  rows: number | null;
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--changes-keep`: `7d`, `1000000`, `7d,1000000`, `12h`, `30m`; parts in any order, one of each kind. */
export function parseChangesKeep(text: string): ChangesKeep | null {
  const keep: ChangesKeep = { ageMs: null, rows: null };
  for (const part of text.split(',').map((p) => p.trim().replace(/_/g, ''))) {
    const age = /^(\d{1,6})([smhd])$/.exec(part);
    if (age && keep.ageMs === null && Number(age[1]) > 0) keep.ageMs = Number(age[1]) * DURATION_UNITS[age[2]!]!;
    else if (/^\d{1,12}$/.test(part) && keep.rows === null && Number(part) > 0) keep.rows = Number(part);
    else return null;
  }
  return keep;
}

export const settings = {
  host: { flag: 'host', env: 'ROSTER_HOST', default: '127.0.0.1', schema: z.string().min(1), doc: 'address to listen on' },
  port: { flag: 'port', env: 'ROSTER_PORT', default: 8810, schema: int(0, 65535), doc: 'HTTP port (0 picks a free one)' },
  db: {
    flag: 'db',
    env: 'ROSTER_DB',
    default: './data/roster.db',
    schema: z.string().min(1),
    doc: 'SQLite file, `:memory:`, or a `postgres://` URL (`?schema=name` keeps the tables in that schema)',
  },
  demo: { flag: 'demo', env: 'ROSTER_DEMO', default: false, schema: yesNo, doc: 'load the demo company into an empty directory' },
  timezone: {
    flag: 'timezone',
    env: 'ROSTER_TIMEZONE',
    default: Intl.DateTimeFormat().resolvedOptions().timeZone,
    schema: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    doc: 'IANA time zone of every date on the wire (default: the machine\'s)',
  },
  publicUrl: {
    flag: 'public-url',
    env: 'ROSTER_PUBLIC_URL',
    default: '',
    schema: z.union([z.literal(''), z.url()]),
    doc: 'base URL clients reach the server at (default: taken from each request\'s Host)',
  },
  maxIds: { flag: 'max-ids', env: 'ROSTER_MAX_IDS', default: 1000, schema: int(1, 100000), doc: 'most ids one call may ask for' },
  bodyLimit: {
    flag: 'body-limit',
    env: 'ROSTER_BODY_LIMIT',
    default: 1048576,
    schema: int(1024, 64 * 1048576),
    doc: 'largest request body in bytes (larger gets 413)',
  },
  maxParams: {
    flag: 'max-params',
    env: 'ROSTER_MAX_PARAMS',
    default: 20000,
    schema: int(100, 1000000),
    doc: 'most parameter values one request may carry, in any encoding (more gets 400)',
  },
  maxDepth: {
    flag: 'max-depth',
    env: 'ROSTER_MAX_DEPTH',
    default: 32,
    schema: int(4, 256),
    doc: 'most levels of nesting in parameters: `a=1` is 1, `a[b]=1` or `{"a":{"b":1}}` is 2 (more gets 400)',
  },
  maxAnswerUsers: {
    flag: 'max-answer-users',
    env: 'ROSTER_MAX_ANSWER_USERS',
    default: 5000,
    schema: int(50, 1000000),
    doc: 'most user objects one request may answer, the commands of a batch counted together (more gets 413)',
  },
  maxAnswerBytes: {
    flag: 'max-answer-bytes',
    env: 'ROSTER_MAX_ANSWER_BYTES',
    default: 16 * 1048576,
    schema: int(65536, 256 * 1048576),
    doc: 'largest answer, in characters of its JSON or XML text (larger gets 413 instead)',
  },
  requestTimeout: {
    flag: 'request-timeout',
    env: 'ROSTER_REQUEST_TIMEOUT',
    default: 30,
    schema: z.coerce.number().positive().max(3600),
    doc: 'seconds a client has to send a whole request (headers and body) before the connection is closed',
  },
  headersTimeout: {
    flag: 'headers-timeout',
    env: 'ROSTER_HEADERS_TIMEOUT',
    default: 10,
    schema: z.coerce.number().positive().max(3600),
    doc: 'seconds a client has to send the request headers (at most the request timeout)',
  },
  keepAliveTimeout: {
    flag: 'keep-alive-timeout',
    env: 'ROSTER_KEEP_ALIVE_TIMEOUT',
    default: 5,
    schema: z.coerce.number().positive().max(3600),
    doc: 'seconds an idle keep-alive connection stays open',
  },
  maxConnections: {
    flag: 'max-connections',
    env: 'ROSTER_MAX_CONNECTIONS',
    default: 1024,
    schema: int(1, 1000000),
    doc: 'most open connections per listener; more are closed at once',
  },
  nameTemplate: {
    flag: 'name-template',
    env: 'ROSTER_NAME_TEMPLATE',
    default: '#NAME# #LAST_NAME#',
    schema: z.string().min(1).max(200),
    doc: 'how `name` is built from #NAME#, #LAST_NAME#, #SECOND_NAME#',
  },
  limits: {
    flag: 'limits',
    env: 'ROSTER_LIMITS',
    default: 'standard',
    schema: z.string().regex(/^(standard|enterprise|off|\d+(\.\d+)?\/\d+(\.\d+)?)$/, 'must be standard, enterprise, off, or BURST/DRAIN such as 100/4'),
    doc: 'request rate limit per credential: `standard` (burst 50, 2/s), `enterprise` (250, 5/s), `off`, or `BURST/DRAIN`',
  },
  operatingBudget: {
    flag: 'operating-budget',
    env: 'ROSTER_OPERATING_BUDGET',
    default: 480,
    schema: z.coerce.number().positive().max(86400),
    doc: 'seconds each method may spend per credential in a sliding 10-minute window before 429',
  },
  redis: {
    flag: 'redis',
    env: 'ROSTER_REDIS',
    default: '',
    schema: z.union([z.literal(''), z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL')]),
    doc: 'Redis URL to share limits between instances (default: in-process)',
  },
  tls: { flag: 'tls', env: 'ROSTER_TLS', default: false, schema: yesNo, doc: 'serve HTTPS (a development certificate is generated unless --tls-cert/--tls-key)' },
  tlsPort: { flag: 'tls-port', env: 'ROSTER_TLS_PORT', default: 0, schema: int(0, 65535), doc: 'HTTPS port besides the HTTP port (with --tls and no --tls-port, --port serves HTTPS)' },
  tlsCert: { flag: 'tls-cert', env: 'ROSTER_TLS_CERT', default: '', schema: z.string(), doc: 'PEM certificate file for HTTPS' },
  tlsKey: { flag: 'tls-key', env: 'ROSTER_TLS_KEY', default: '', schema: z.string(), doc: 'PEM private key file for HTTPS' },
  tlsHost: { flag: 'tls-host', env: 'ROSTER_TLS_HOST', default: '', schema: z.string(), doc: 'extra host names (comma separated) for the development certificate' },
  dataDir: { flag: 'data-dir', env: 'ROSTER_DATA_DIR', default: './data', schema: z.string().min(1), doc: 'folder for generated files (development certificate)' },
  seed: { flag: 'seed', env: 'ROSTER_SEED', default: '', schema: z.string(), doc: 'directory file (JSON) loaded into an empty database at start' },
  exportOnExit: { flag: 'export-on-exit', env: 'ROSTER_EXPORT_ON_EXIT', default: '', schema: z.string(), doc: 'file the directory is written to on SIGINT/SIGTERM' },
  adminToken: {
    flag: 'admin-token',
    env: 'ROSTER_ADMIN_TOKEN',
    default: '',
    schema: z.union([z.literal(''), z.string().min(16, 'must be at least 16 characters')]),
    doc: 'enables the /_roster admin endpoints for test suites, guarded by this token',
  },
  journalSize: {
    flag: 'journal-size',
    env: 'ROSTER_JOURNAL_SIZE',
    default: 10000,
    schema: int(0, 1_000_000),
    doc: 'REST calls the request journal keeps (GET /_roster/requests with --admin-token, and the console); 0 turns it off',
  },
  faults: {
    flag: 'faults',
    env: 'ROSTER_FAULTS',
    default: '',
    schema: z.string(),
    doc: 'JSON file of fault rules loaded at start (see docs/CONTROL.md)',
  },
  clock: {
    flag: 'clock',
    env: 'ROSTER_CLOCK',
    default: '',
    schema: z.union([z.literal(''), z.iso.datetime({ offset: true })]),
    doc: 'start with the clock frozen at this ISO 8601 time (moved with POST /_roster/clock)',
  },
  console: { flag: 'console', env: 'ROSTER_CONSOLE', default: true, schema: yesNo, doc: 'serve the web console at / (administrators sign in with their password; `off` turns it off)' },
  metrics: { flag: 'metrics', env: 'ROSTER_METRICS', default: true, schema: yesNo, doc: 'serve Prometheus metrics at /metrics (`off` turns it off)' },
  metricsToken: {
    flag: 'metrics-token',
    env: 'ROSTER_METRICS_TOKEN',
    default: '',
    schema: z.union([z.literal(''), z.string().min(16, 'must be at least 16 characters')]),
    doc: 'bearer token /metrics requires (default: open)',
  },
  changesKeep: {
    flag: 'changes-keep',
    env: 'ROSTER_CHANGES_KEEP',
    default: '7d,1000000',
    schema: z.string().refine((v) => parseChangesKeep(v) !== null, 'must be an age (30m, 12h, 7d), a row count, or both such as 7d,1000000'),
    doc: 'how long the change feed keeps its rows: an age, a row count, or both (whichever keeps fewer)',
  },
  reads: {
    flag: 'reads',
    env: 'ROSTER_READS',
    default: 'memory',
    schema: z.enum(['memory', 'sql']),
    doc: 'where read methods are answered from: memory (the read model, kept current by the change feed) or sql (the store: the reference path)',
  },
  cacheUsers: {
    flag: 'cache-users',
    env: 'ROSTER_CACHE_USERS',
    default: 100_000,
    schema: int(0, 100_000_000),
    doc: 'most users whose serialized messenger objects (and, apart, user.get rows) the read model keeps (least recently used go first; 0 keeps none)',
  },
  eventTimeout: {
    flag: 'event-timeout',
    env: 'ROSTER_EVENT_TIMEOUT',
    default: 10,
    schema: z.coerce.number().min(0.1).max(300),
    doc: 'seconds an event handler has to answer a delivery',
  },
  eventRetries: {
    flag: 'event-retries',
    env: 'ROSTER_EVENT_RETRIES',
    default: 0,
    schema: int(0, 20),
    doc: 'retries of a failed delivery, with exponential backoff from 1 s (0: none, as upstream)',
  },
  eventHosts: {
    flag: 'event-hosts',
    env: 'ROSTER_EVENT_HOSTS',
    default: '',
    schema: z.string().max(4096).regex(/^[A-Za-z0-9.*:[\],_ -]*$/, 'must be host names, comma separated (`localhost,*.example.com`)'),
    doc: 'hosts event handlers may be on, comma separated, `*.name` for names below `name` (default: any host)',
  },
  eventsOnImport: {
    flag: 'events-on-import',
    env: 'ROSTER_EVENTS_ON_IMPORT',
    default: false,
    schema: yesNo,
    doc: 'send ONUSERADD for the users an import adds',
  },
  logLevel: {
    flag: 'log-level',
    env: 'ROSTER_LOG_LEVEL',
    // warnings and errors only: request logging is off, and `serve` prints its own start-up lines
    default: 'warn',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    doc: 'request log level (pino)',
  },
} as const;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Bad configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Builds the configuration from flags (keys as in `settings`, camelCase) and environment,
 * validating everything and reporting every problem at once.
 */
export function loadConfig(flags: Partial<Record<keyof Config, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(settings) as [keyof Config, Settings[keyof Config]][]) {
    const given = flags[key] ?? env[s.env];
    const source = flags[key] !== undefined ? `--${s.flag}` : env[s.env] !== undefined ? s.env : 'default';
    const parsed = (s.schema as z.ZodType).safeParse(given ?? s.default);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${source}: ${JSON.stringify(given)} ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length) throw new ConfigError(problems);
  return out as Config;
}

/** Configuration for code that runs a server in-process (tests, benchmarks). */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}, {}), logLevel: 'silent', port: 0, ...overrides };
}
