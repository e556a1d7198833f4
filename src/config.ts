import { isInstant } from './facts.js';

/**
 * Every setting of a Roster server: its command-line flag, its environment variable, its
 * default and its check. A value given as a flag wins over the environment.
 *
 * The checks are a few functions rather than Zod schemas: every command of the command line
 * reads its settings, and loading Zod and building forty schemas took a sixth of the time of a
 * `roster webhook create` (issue 11).
 */

/** A value a setting refuses; the message follows the value in the ConfigError. */
class Refused extends Error {}
const refuse = (message: string): never => {
  throw new Refused(message);
};

/** Reads a flag's or variable's value (text; a switch gives a boolean) into the setting's type, or refuses it. */
type Check<T> = (value: unknown) => T;

interface TextRule {
  min?: number;
  max?: number;
  /** what the text must satisfy, said by `problem` */
  valid?: (text: string) => boolean;
  problem?: string;
}

const text =
  ({ min = 0, max = Infinity, valid, problem }: TextRule = {}): Check<string> =>
  (v) => {
    if (typeof v !== 'string') return refuse('must be text');
    if (v.length < min) return refuse(min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
    if (v.length > max) return refuse(`must be at most ${max} characters`);
    if (valid && !valid(v)) return refuse(problem ?? 'is not valid');
    return v;
  };

/** The empty text (the setting is off) or what `check` accepts. */
const emptyOr =
  <T>(check: Check<T>): Check<T | ''> =>
  (v) =>
    v === '' ? '' : check(v);

/** A number as `Number()` reads it, from `min` (or above it, with `aboveMin`) up to `max`. */
const number = (min: number, max: number, { whole = false, aboveMin = false } = {}): Check<number> => {
  const problem = `must be ${whole ? 'a whole number' : 'a number'} ${aboveMin ? `above ${min} and at most ${max}` : `from ${min} to ${max}`}`;
  return (v) => {
    const n = Number(v);
    const fits = Number.isFinite(n) && (!whole || Number.isInteger(n)) && (aboveMin ? n > min : n >= min) && n <= max;
    return fits ? n : refuse(problem);
  };
};
const int = (min: number, max: number) => number(min, max, { whole: true });
const positive = (max: number) => number(0, max, { aboveMin: true });

const oneOf =
  <const T extends string>(values: readonly T[]): Check<T> =>
  (v) =>
    values.includes(v as T) ? (v as T) : refuse(`must be one of ${values.join(', ')}`);

const YES = ['1', 'true', 'yes', 'on'];
const NO = ['0', 'false', 'no', 'off'];
const yesNo: Check<boolean> = (v) => {
  if (typeof v === 'boolean') return v;
  if (YES.includes(v as string)) return true;
  return NO.includes(v as string) ? false : refuse(`must be one of ${[...YES, ...NO].join(', ')}`);
};

/** An absolute URL, without the blanks around it or the tabs and line breaks the URL parser would drop. */
const url: Check<string> = (v) => {
  const trimmed = text()(v).trim();
  return URL.canParse(trimmed) ? trimmed.replace(/[\t\n\r]/g, '') : refuse('must be a URL such as https://roster.example.com');
};

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
  host: { flag: 'host', env: 'ROSTER_HOST', default: '127.0.0.1', check: text({ min: 1 }), doc: 'address to listen on' },
  port: { flag: 'port', env: 'ROSTER_PORT', default: 8810, check: int(0, 65535), doc: 'HTTP port (0 picks a free one)' },
  db: {
    flag: 'db',
    env: 'ROSTER_DB',
    default: './data/roster.db',
    check: text({ min: 1 }),
    doc: 'SQLite file, `:memory:`, or a `postgres://` URL (`?schema=name` keeps the tables in that schema)',
  },
  demo: { flag: 'demo', env: 'ROSTER_DEMO', default: false, check: yesNo, doc: 'load the demo company into an empty directory' },
  timezone: {
    flag: 'timezone',
    env: 'ROSTER_TIMEZONE',
    // read on use: the first look at time zones loads ICU's data, 25-50 ms a command need not pay
    get default() {
      return Intl.DateTimeFormat().resolvedOptions().timeZone;
    },
    check: text({ valid: isTimeZone, problem: 'must be an IANA time zone such as Europe/Berlin' }),
    doc: 'IANA time zone of every date on the wire (default: the machine\'s)',
  },
  publicUrl: {
    flag: 'public-url',
    env: 'ROSTER_PUBLIC_URL',
    default: '',
    check: emptyOr(url),
    doc: 'base URL clients reach the server at (default: taken from each request\'s Host)',
  },
  maxIds: { flag: 'max-ids', env: 'ROSTER_MAX_IDS', default: 1000, check: int(1, 100000), doc: 'most ids one call may ask for' },
  bodyLimit: {
    flag: 'body-limit',
    env: 'ROSTER_BODY_LIMIT',
    default: 1048576,
    check: int(1024, 64 * 1048576),
    doc: 'largest request body in bytes (larger gets 413)',
  },
  maxParams: {
    flag: 'max-params',
    env: 'ROSTER_MAX_PARAMS',
    default: 20000,
    check: int(100, 1000000),
    doc: 'most parameter values one request may carry, in any encoding (more gets 400)',
  },
  maxDepth: {
    flag: 'max-depth',
    env: 'ROSTER_MAX_DEPTH',
    default: 32,
    check: int(4, 256),
    doc: 'most levels of nesting in parameters: `a=1` is 1, `a[b]=1` or `{"a":{"b":1}}` is 2 (more gets 400)',
  },
  maxAnswerUsers: {
    flag: 'max-answer-users',
    env: 'ROSTER_MAX_ANSWER_USERS',
    default: 5000,
    check: int(50, 1000000),
    doc: 'most user objects one request may answer, the commands of a batch counted together (more gets 413)',
  },
  maxAnswerBytes: {
    flag: 'max-answer-bytes',
    env: 'ROSTER_MAX_ANSWER_BYTES',
    default: 16 * 1048576,
    check: int(65536, 256 * 1048576),
    doc: 'largest answer, in characters of its JSON or XML text (larger gets 413 instead)',
  },
  requestTimeout: {
    flag: 'request-timeout',
    env: 'ROSTER_REQUEST_TIMEOUT',
    default: 30,
    check: positive(3600),
    doc: 'seconds a client has to send a whole request (headers and body) before the connection is closed',
  },
  headersTimeout: {
    flag: 'headers-timeout',
    env: 'ROSTER_HEADERS_TIMEOUT',
    default: 10,
    check: positive(3600),
    doc: 'seconds a client has to send the request headers (at most the request timeout)',
  },
  keepAliveTimeout: {
    flag: 'keep-alive-timeout',
    env: 'ROSTER_KEEP_ALIVE_TIMEOUT',
    default: 5,
    check: positive(3600),
    doc: 'seconds an idle keep-alive connection stays open',
  },
  maxConnections: {
    flag: 'max-connections',
    env: 'ROSTER_MAX_CONNECTIONS',
    default: 1024,
    check: int(1, 1000000),
    doc: 'most open connections per listener; more are closed at once',
  },
  nameTemplate: {
    flag: 'name-template',
    env: 'ROSTER_NAME_TEMPLATE',
    default: '#NAME# #LAST_NAME#',
    check: text({ min: 1, max: 200 }),
    doc: 'how `name` is built from #NAME#, #LAST_NAME#, #SECOND_NAME#',
  },
  limits: {
    flag: 'limits',
    env: 'ROSTER_LIMITS',
    default: 'standard',
    check: text({ valid: (v) => /^(standard|enterprise|off|\d+(\.\d+)?\/\d+(\.\d+)?)$/.test(v), problem: 'must be standard, enterprise, off, or BURST/DRAIN such as 100/4' }),
    doc: 'request rate limit per credential: `standard` (burst 50, 2/s), `enterprise` (250, 5/s), `off`, or `BURST/DRAIN`',
  },
  operatingBudget: {
    flag: 'operating-budget',
    env: 'ROSTER_OPERATING_BUDGET',
    default: 480,
    check: positive(86400),
    doc: 'seconds each method may spend per credential in a sliding 10-minute window before 429',
  },
  redis: {
    flag: 'redis',
    env: 'ROSTER_REDIS',
    default: '',
    check: emptyOr(text({ valid: (v) => /^rediss?:\/\//.test(v), problem: 'must be a redis:// URL' })),
    doc: 'Redis URL to share limits between instances (default: in-process)',
  },
  tls: { flag: 'tls', env: 'ROSTER_TLS', default: false, check: yesNo, doc: 'serve HTTPS (a development certificate is generated unless --tls-cert/--tls-key)' },
  tlsPort: { flag: 'tls-port', env: 'ROSTER_TLS_PORT', default: 0, check: int(0, 65535), doc: 'HTTPS port besides the HTTP port (with --tls and no --tls-port, --port serves HTTPS)' },
  tlsCert: { flag: 'tls-cert', env: 'ROSTER_TLS_CERT', default: '', check: text(), doc: 'PEM certificate file for HTTPS' },
  tlsKey: { flag: 'tls-key', env: 'ROSTER_TLS_KEY', default: '', check: text(), doc: 'PEM private key file for HTTPS' },
  tlsHost: { flag: 'tls-host', env: 'ROSTER_TLS_HOST', default: '', check: text(), doc: 'extra host names (comma separated) for the development certificate' },
  dataDir: { flag: 'data-dir', env: 'ROSTER_DATA_DIR', default: './data', check: text({ min: 1 }), doc: 'folder for generated files (development certificate)' },
  seed: { flag: 'seed', env: 'ROSTER_SEED', default: '', check: text(), doc: 'directory file (JSON) loaded into an empty database at start' },
  exportOnExit: { flag: 'export-on-exit', env: 'ROSTER_EXPORT_ON_EXIT', default: '', check: text(), doc: 'file the directory is written to on SIGINT/SIGTERM' },
  adminToken: {
    flag: 'admin-token',
    env: 'ROSTER_ADMIN_TOKEN',
    default: '',
    check: emptyOr(text({ min: 16 })),
    doc: 'enables the /_roster admin endpoints for test suites, guarded by this token',
  },
  journalSize: {
    flag: 'journal-size',
    env: 'ROSTER_JOURNAL_SIZE',
    default: 10000,
    check: int(0, 1_000_000),
    doc: 'REST calls the request journal keeps (GET /_roster/requests with --admin-token, and the console), fewer when they hold 4 MiB together; 0 turns it off',
  },
  faults: {
    flag: 'faults',
    env: 'ROSTER_FAULTS',
    default: '',
    check: text(),
    doc: 'JSON file of fault rules loaded at start (see docs/CONTROL.md)',
  },
  clock: {
    flag: 'clock',
    env: 'ROSTER_CLOCK',
    default: '',
    check: emptyOr(text({ valid: isInstant, problem: 'must be an ISO 8601 time with a zone, such as 2026-01-05T09:00:00Z' })),
    doc: 'start with the clock frozen at this ISO 8601 time (moved with POST /_roster/clock)',
  },
  console: { flag: 'console', env: 'ROSTER_CONSOLE', default: true, check: yesNo, doc: 'serve the web console at / (administrators sign in with their password; `off` turns it off)' },
  metrics: { flag: 'metrics', env: 'ROSTER_METRICS', default: true, check: yesNo, doc: 'serve Prometheus metrics at /metrics (`off` turns it off)' },
  metricsToken: {
    flag: 'metrics-token',
    env: 'ROSTER_METRICS_TOKEN',
    default: '',
    check: emptyOr(text({ min: 16 })),
    doc: 'bearer token /metrics requires (default: open)',
  },
  changesKeep: {
    flag: 'changes-keep',
    env: 'ROSTER_CHANGES_KEEP',
    default: '7d,1000000',
    check: text({ valid: (v) => parseChangesKeep(v) !== null, problem: 'must be an age (30m, 12h, 7d), a row count, or both such as 7d,1000000' }),
    doc: 'how long the change feed keeps its rows: an age, a row count, or both (whichever keeps fewer)',
  },
  reads: {
    flag: 'reads',
    env: 'ROSTER_READS',
    default: 'memory',
    check: oneOf(['memory', 'sql']),
    doc: 'where read methods are answered from: memory (the read model, kept current by the change feed) or sql (the store: the reference path)',
  },
  cacheUsers: {
    flag: 'cache-users',
    env: 'ROSTER_CACHE_USERS',
    default: 100_000,
    check: int(0, 100_000_000),
    doc: 'most users whose serialized messenger objects and user.get rows the read model keeps (least recently used go first; 0 keeps none)',
  },
  eventTimeout: {
    flag: 'event-timeout',
    env: 'ROSTER_EVENT_TIMEOUT',
    default: 10,
    check: number(0.1, 300),
    doc: 'seconds an event handler has to answer a delivery',
  },
  eventRetries: {
    flag: 'event-retries',
    env: 'ROSTER_EVENT_RETRIES',
    default: 0,
    check: int(0, 20),
    doc: 'retries of a failed delivery, with exponential backoff from 1 s (0: none, as upstream)',
  },
  eventHosts: {
    flag: 'event-hosts',
    env: 'ROSTER_EVENT_HOSTS',
    default: '',
    check: text({ max: 4096, valid: (v) => /^[A-Za-z0-9.*:[\],_ -]*$/.test(v), problem: 'must be host names, comma separated (`localhost,*.example.com`)' }),
    doc: 'hosts event handlers may be on, comma separated, `*.name` for names below `name` (default: any host)',
  },
  eventsOnImport: {
    flag: 'events-on-import',
    env: 'ROSTER_EVENTS_ON_IMPORT',
    default: false,
    check: yesNo,
    doc: 'send ONUSERADD for the users an import adds',
  },
  logLevel: {
    flag: 'log-level',
    env: 'ROSTER_LOG_LEVEL',
    // warnings and errors only: request logging is off, and `serve` prints its own start-up lines
    default: 'warn',
    check: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    doc: 'request log level (pino)',
  },
} as const;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: ReturnType<Settings[K]['check']> };

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
  return loadSettings(Object.keys(settings) as (keyof Config)[], flags, env);
}

/**
 * The settings `keys` alone, as `loadConfig` reads them: for commands that use a few, which
 * then neither fail on a setting they do not use nor pay for its default (the time zone's).
 */
export function loadSettings<K extends keyof Config>(
  keys: readonly K[],
  flags: Partial<Record<keyof Config, unknown>> = {},
  env: NodeJS.ProcessEnv = process.env,
): Pick<Config, K> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of keys) {
    const s: Settings[keyof Config] = settings[key];
    const given = flags[key] ?? env[s.env];
    const source = flags[key] !== undefined ? `--${s.flag}` : env[s.env] !== undefined ? s.env : 'default';
    try {
      out[key] = (s.check as Check<unknown>)(given ?? s.default);
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      problems.push(`${source}: ${JSON.stringify(given)} ${error.message}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out as Pick<Config, K>;
}

/** Configuration for code that runs a server in-process (tests, benchmarks). */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}, {}), logLevel: 'silent', port: 0, ...overrides };
}
