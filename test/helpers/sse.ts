/** A Server-Sent Events client over fetch, for the change stream: events as they arrive, in order. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  /** performance.now() when the event was parsed */
  receivedAt: number;
}

export interface SseStream {
  status: number;
  events: SseEvent[];
  /** resolves once `count` events arrived in total (or rejects when the stream ends first) */
  until(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** resolves once an event matches */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event: SseEvent = { event: 'message', data: '', receivedAt: performance.now() };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'data') {
              event.data += (hasData ? '\n' : '') + value;
              hasData = true;
            } else if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
          }
          if (hasData) {
            events.push(event);
            wake();
          }
        }
      }
    } catch {
      // aborted by close(), or the server dropped us
    } finally {
      done = true;
      wake();
    }
  })();
  const waitFor = (match: (e: SseEvent) => boolean, timeoutMs = 60000) =>
    new Promise<SseEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find(match);
        if (found || done) {
          clearTimeout(timer);
          waiters.delete(check);
          if (found) resolve(found);
          else reject(new Error(`the stream ended before the event (got ${events.length})`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching event within ${timeoutMs} ms (got ${events.length})`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    status: res.status,
    events,
    ended,
    waitFor,
    async until(count, timeoutMs = 60000) {
      await waitFor(() => events.length >= count, timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}; wanted ${count}`);
      });
      return events.slice(0, count);
    },
    close: () => abort.abort(),
  };
}
