/**
 * The request journal: the last N REST calls of a server instance (`--journal-size`, 0 = off;
 * fewer when their parameters would pass JOURNAL_BYTES), kept in a ring in memory, for tests
 * that assert what their code sent ("im.user.list.get was called exactly once") and for `roster
 * requests --follow`. Entries are written by the dispatcher's observer (observe.ts), with
 * parameters already redacted (redact.ts).
 */
import { Redactor } from './redact.js';

export interface JournalCredential {
  kind: 'webhook' | 'oauth';
  /** the webhook's id (webhooks) */
  webhook?: number;
  /** the application's client_id (OAuth) */
  client_id?: string;
  user_id: number;
}

export interface JournalFault {
  rule: number;
  action: 'error' | 'latency' | 'drop';
}

export interface JournalCommand {
  key: string;
  method: string;
  params: unknown;
  status: number;
  error: string | null;
  fault?: JournalFault;
}

/**
 * A batch's commands as noted while it runs. A command that succeeded with the parameters its
 * text alone gives (no references, no fault, nothing in the text that only decoding shows) is
 * just that text, decoded and redacted again when read; the others are noted in full.
 */
export interface NotedCommands {
  keys: string[];
  items: (string | JournalCommand)[];
}

/** What the journal is handed: an entry without its id, with its batch commands as noted. */
export type NewEntry = Omit<JournalEntry, 'id' | 'time' | 'commands'> & { commands?: NotedCommands };

/**
 * An entry as kept: what filters read, and the rest as one JSON text. Kept as objects, the
 * entries of the last seconds of load survived V8's young generation and were copied and
 * collected again later, a quarter of a batch's CPU; a string is one flat object.
 */
interface KeptEntry {
  id: number;
  at: number;
  method: string;
  credential: JournalCredential | null;
  status: number;
  error: string | null;
  /** [params, duration_ms, fault or null, NotedCommands or null] */
  body: string;
}

export interface JournalEntry {
  /** increasing from 1 for the life of the server; `after=<id>` tails from there */
  id: number;
  /** ISO time by the server's clock (which the control plane may move) */
  time: string;
  /** the same, unix milliseconds */
  at: number;
  method: string;
  credential: JournalCredential | null;
  params: unknown;
  /** the HTTP status; 0 when a fault dropped the connection */
  status: number;
  error: string | null;
  duration_ms: number;
  /** the rule that fired on this call, when one did */
  fault?: JournalFault;
  /** batch: each command with its own outcome */
  commands?: JournalCommand[];
}

export interface JournalFilter {
  method?: string;
  status?: number;
  error?: string;
  /** `webhook:<id>`, a bare webhook id, `oauth:<client_id>` or a client_id, `user:<id>` */
  credential?: string;
  /** unix ms: entries at or after */
  since?: number;
  /** entry id: entries after it */
  after?: number;
  limit?: number;
}

/** What a journal listener hears: each entry as it is added, and that the journal was cleared. */
export interface JournalListener {
  added(entry: JournalEntry): void;
  cleared(): void;
}

/**
 * What the kept entries may hold together, about: 10,000 batches of 50 commands were 200 MB as
 * objects, more than the whole directory of 100,000 users. As JSON text 4 MiB holds about 1,500
 * such batches, or 10,000 short calls; twice that was about 4.5 MiB more of the heap under
 * load. The oldest entries go first.
 */
export const JOURNAL_BYTES = 4 * 1024 * 1024;

/** What an entry holds beside its JSON text. */
const ENTRY_BYTES = 200;

/** A batch command's text as the method received it (method name as written, parameters). */
export type CommandDecoder = (text: string) => { method: string; params: unknown };

export class Journal {
  private readonly ring: (KeptEntry | undefined)[];
  private readonly sizes: number[];
  /** the oldest kept entry's place, and how many are kept */
  private first = 0;
  private kept = 0;
  private bytes = 0;
  private lastId = 0;
  private readonly listeners = new Set<JournalListener>();

  constructor(
    readonly size: number,
    private readonly decode: CommandDecoder,
    private readonly budget = JOURNAL_BYTES,
  ) {
    this.ring = new Array(size);
    this.sizes = new Array<number>(size).fill(0);
  }

  add(entry: NewEntry): void {
    const { at, method, credential, status, error } = entry;
    const body = JSON.stringify([entry.params, entry.duration_ms, entry.fault ?? null, entry.commands ? keptCommands(entry.params, entry.commands) : null]);
    const kept: KeptEntry = { id: ++this.lastId, at, method, credential, status, error, body };
    // a character a byte: most parameters are ASCII, and the budget is an estimate anyway
    const bytes = ENTRY_BYTES + body.length;
    while (this.kept > 0 && (this.kept === this.size || this.bytes + bytes > this.budget)) this.dropOldest();
    const place = (this.first + this.kept) % this.size;
    this.ring[place] = kept;
    this.sizes[place] = bytes;
    this.bytes += bytes;
    this.kept++;
    if (this.listeners.size > 0) {
      const read = this.open(kept);
      for (const l of this.listeners) l.added(read);
    }
  }

  /** The entry as the journal shows it. */
  private open(kept: KeptEntry): JournalEntry {
    const [params, duration_ms, fault, commands] = JSON.parse(kept.body) as [unknown, number, JournalFault | null, KeptCommands | null];
    const { id, at, method, credential, status, error } = kept;
    return {
      id,
      time: new Date(at).toISOString(),
      at,
      method,
      credential,
      params,
      status,
      error,
      duration_ms,
      ...(fault ? { fault } : {}),
      ...(commands ? { commands: commands.items.map((item, i) => this.command(commands.keys[i]!, item === AS_IN_PARAMS ? String(cmdOf(params)![commands.keys[i]!]) : item)) } : {}),
    };
  }

  private command(key: string, item: string | JournalCommand): JournalCommand {
    if (typeof item !== 'string') return item;
    const { method, params } = this.decode(item);
    // the request's own secrets are not in a text noted this way: the rules that need none are enough
    return { key, method: method.toLowerCase(), params: new Redactor().value(params), status: 200, error: null };
  }

  private dropOldest(): void {
    this.ring[this.first] = undefined;
    this.bytes -= this.sizes[this.first]!;
    this.first = (this.first + 1) % this.size;
    this.kept--;
  }

  /** Hears every entry added from now on (the journal's stream); returns the function that stops it. */
  subscribe(listener: JournalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest entry's id (0 before the first): where a stream that starts now begins. */
  get last(): number {
    return this.lastId;
  }

  /** Matching entries, newest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const limit = filter.limit ?? Infinity;
    for (let i = this.kept - 1; i >= 0 && out.length < limit; i--) {
      const kept = this.ring[(this.first + i) % this.size]!;
      if (!headerMatches(kept, filter)) continue;
      const entry = this.open(kept);
      if (matches(entry, filter)) out.push(entry);
    }
    return out;
  }

  /**
   * Matching calls: an entry that matches counts once; a batch that matches through its
   * commands counts each matching command, so "user.get was called twice" holds however the
   * calls were sent.
   */
  count(filter: JournalFilter = {}): number {
    let n = 0;
    for (const entry of this.list({ ...filter, limit: undefined })) {
      n += callMatches(entry, filter) ? 1 : (entry.commands ?? []).filter((c) => callMatches(c, filter)).length;
    }
    return n;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.first = this.kept = this.bytes = 0;
    for (const l of this.listeners) l.cleared();
  }
}

/** A kept command whose text is its batch's own `cmd[key]`, as the entry's parameters hold it. */
const AS_IN_PARAMS = 0;

/** A batch's commands as kept: a text is not held twice. */
interface KeptCommands {
  keys: string[];
  items: (string | JournalCommand | typeof AS_IN_PARAMS)[];
}

/** The `cmd` of a batch's parameters (read in any letter case, as batch reads it), when it is a list or a map. */
function cmdOf(params: unknown): Record<string, unknown> | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const record = params as Record<string, unknown>;
  const key = 'cmd' in record ? 'cmd' : Object.keys(record).find((k) => k.toLowerCase() === 'cmd');
  const cmd = key === undefined ? undefined : record[key];
  return cmd !== null && typeof cmd === 'object' ? (cmd as Record<string, unknown>) : undefined;
}

function keptCommands(params: unknown, commands: NotedCommands): KeptCommands {
  const cmd = cmdOf(params);
  if (!cmd) return commands;
  return { keys: commands.keys, items: commands.items.map((item, i) => (typeof item === 'string' && cmd[commands.keys[i]!] === item ? AS_IN_PARAMS : item)) };
}

/** Whether an entry may match: what its kept fields decide without reading its JSON text. */
function headerMatches(kept: KeptEntry, f: JournalFilter): boolean {
  if (f.since !== undefined && kept.at < f.since) return false;
  if (f.after !== undefined && kept.id <= f.after) return false;
  if (f.credential !== undefined && !credentialMatches(kept.credential, f.credential)) return false;
  // a batch can match through its commands
  return kept.method === 'batch' || callMatches(kept, f);
}

/**
 * A batch entry matches a method, status or error filter through its commands too: "how often
 * was user.get called" counts the user.get commands inside batches.
 */
export function matches(entry: JournalEntry, f: JournalFilter): boolean {
  if (f.since !== undefined && entry.at < f.since) return false;
  if (f.after !== undefined && entry.id <= f.after) return false;
  if (f.credential !== undefined && !credentialMatches(entry.credential, f.credential)) return false;
  const self = callMatches(entry, f);
  if (self || !entry.commands) return self;
  return entry.commands.some((c) => callMatches(c, f));
}

function callMatches(call: { method: string; status: number; error: string | null }, f: JournalFilter): boolean {
  if (f.method !== undefined && call.method !== f.method.toLowerCase()) return false;
  if (f.status !== undefined && call.status !== f.status) return false;
  if (f.error !== undefined && call.error !== f.error) return false;
  return true;
}

function credentialMatches(c: JournalCredential | null, wanted: string): boolean {
  if (!c) return false;
  const [kind, value] = wanted.includes(':') ? [wanted.slice(0, wanted.indexOf(':')), wanted.slice(wanted.indexOf(':') + 1)] : ['', wanted];
  if (kind === 'user') return String(c.user_id) === value;
  if (kind === 'webhook') return c.webhook !== undefined && String(c.webhook) === value;
  if (kind === 'oauth' || kind === 'app') return c.client_id === value;
  return (c.webhook !== undefined && String(c.webhook) === wanted) || c.client_id === wanted;
}
