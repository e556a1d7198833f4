/**
 * The request journal: the last N REST calls of a server instance (`--journal-size`, 0 = off;
 * fewer when their parameters would pass JOURNAL_BYTES), kept in a ring in memory, for tests
 * that assert what their code sent ("im.user.list.get was called exactly once") and for `roster
 * requests --follow`. Entries are written by the dispatcher's observer (observe.ts), with
 * parameters already redacted (redact.ts).
 */

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
 * What the kept entries may hold together, about: 10,000 batches of 50 commands were 200 MB,
 * more than the whole directory of 100,000 users. The oldest entries go first.
 */
export const JOURNAL_BYTES = 16 * 1024 * 1024;

/** An entry's own fields and a batch command's, beside their parameters. */
const ENTRY_BYTES = 300;
const COMMAND_BYTES = 150;

export class Journal {
  private readonly ring: (JournalEntry | undefined)[];
  private readonly sizes: number[];
  /** the oldest kept entry's place, and how many are kept */
  private first = 0;
  private kept = 0;
  private bytes = 0;
  private lastId = 0;
  private readonly listeners = new Set<JournalListener>();

  constructor(
    readonly size: number,
    private readonly budget = JOURNAL_BYTES,
  ) {
    this.ring = new Array(size);
    this.sizes = new Array<number>(size).fill(0);
  }

  /** Adds an entry whose parameters hold about `paramBytes` (Redactor.kept). */
  add(entry: Omit<JournalEntry, 'id'>, paramBytes = 0): JournalEntry {
    const full = { id: ++this.lastId, ...entry };
    const bytes = ENTRY_BYTES + (entry.commands?.length ?? 0) * COMMAND_BYTES + paramBytes;
    while (this.kept > 0 && (this.kept === this.size || this.bytes + bytes > this.budget)) this.dropOldest();
    const at = (this.first + this.kept) % this.size;
    this.ring[at] = full;
    this.sizes[at] = bytes;
    this.bytes += bytes;
    this.kept++;
    for (const l of this.listeners) l.added(full);
    return full;
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
      const entry = this.ring[(this.first + i) % this.size]!;
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
