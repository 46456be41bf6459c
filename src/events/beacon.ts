/**
 * Browsers refuse a beacon body over 64 KiB (`sendBeacon` returns false), and a keepalive fetch
 * has the same budget: 60 KiB of UTF-8 per body leaves room.
 */
const MAX_BODY_BYTES = 60 * 1024;
/** An event alone in a body: the body adds `[` and `]`. */
const MAX_EVENT_BYTES = MAX_BODY_BYTES - 2;
/** A page that reports in a loop must not grow the queue for ever; beyond this, events are counted. */
const MAX_QUEUED = 500;

/** One queued event, serialized once: its size is known and later changes to it cannot leak in. */
interface Entry {
  json: string;
  bytes: number;
  /** Set on the synthetic `dropped` event: the count it carries, restored if its batch fails. */
  dropped?: number;
}

/**
 * Batches events for `beaconUrl` and sends them with `navigator.sendBeacon` when the page is
 * hidden or left: the only moment a send is both cheap and certain to be the last. Bodies are
 * JSON arrays of whole events, at most 60 KiB each; an event too big for a body of its own is
 * shortened. A body `sendBeacon` refuses goes by `fetch` with `keepalive`; one that fails too is
 * kept for the next send. At most 500 events wait; the count of any others is sent as
 * `{ type: 'dropped', count }`. Neither queueing nor sending ever throws at the page.
 */
export function createBeacon(url: string, win: Window): (type: string, event: object) => void {
  const encoder = new TextEncoder();
  const entryOf = (json: string): Entry => ({ json, bytes: encoder.encode(json).length });
  let queue: Entry[] = [];
  let dropped = 0;

  const keep = (entries: Entry[]) => {
    queue.push(...entries);
    if (queue.length > MAX_QUEUED) dropped += queue.splice(MAX_QUEUED).length;
  };

  // A failed batch goes back to the front, its dropped count back to the counter.
  const restore = (batch: Entry[]) => {
    const waiting = queue;
    queue = [];
    keep(batch.filter((entry) => !entry.dropped));
    keep(waiting);
    for (const entry of batch) dropped += entry.dropped ?? 0;
  };

  const send = (batch: Entry[]) => {
    // A string body is sent as text/plain: a simple request, no CORS preflight.
    const body = `[${batch.map((entry) => entry.json).join(',')}]`;
    try {
      if (win.navigator.sendBeacon(url, body)) return;
    } catch {
      // No sendBeacon, or a beaconUrl it refuses: fetch may still take it.
    }
    try {
      // No headers, so it stays a simple request; a network failure keeps the events.
      Promise.resolve(win.fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' })).catch(() => restore(batch));
    } catch {
      restore(batch);
    }
  };

  const flush = () => {
    if (!queue.length && !dropped) return;
    const entries = queue;
    if (dropped) entries.unshift({ ...entryOf(JSON.stringify({ type: 'dropped', count: dropped })), dropped });
    queue = [];
    dropped = 0;
    for (const batch of batches(entries)) send(batch);
  };

  win.addEventListener('pagehide', flush);
  win.document.addEventListener('visibilitychange', () => {
    if (win.document.visibilityState === 'hidden') flush();
  });
  return (type, event) => {
    try {
      // An error's message is not enumerable: name it, or the beacon carries only its code.
      const entry = entryOf(JSON.stringify({ type, message: (event as Error).message, ...event }));
      keep([entry.bytes > MAX_EVENT_BYTES ? entryOf(shortened(entry.json)) : entry]);
    } catch {
      // Cyclic, a BigInt, a getter that throws: it cannot be sent, but it is counted.
      dropped++;
    }
  };
}

/** Consecutive runs of entries whose JSON array fits in a body. */
function batches(entries: Entry[]): Entry[][] {
  const result: Entry[][] = [];
  let batch: Entry[] = [];
  let bytes = 2;
  for (const entry of entries) {
    if (batch.length && bytes + 1 + entry.bytes > MAX_BODY_BYTES) {
      result.push(batch);
      batch = [];
      bytes = 2;
    }
    bytes += entry.bytes + (batch.length ? 1 : 0);
    batch.push(entry);
  }
  if (batch.length) result.push(batch);
  return result;
}

/**
 * One event's JSON cut to fit a body of its own, rather than dropped: its strings shortened
 * (the tail of a message or stack matters least), more and more, then only its type.
 */
function shortened(json: string): string {
  const event = JSON.parse(json) as Record<string, unknown>;
  const encoder = new TextEncoder();
  for (let keep = 4096; keep >= 16; keep /= 4) {
    const text = JSON.stringify({ ...event, truncated: true }, (_, value: unknown) => (typeof value === 'string' && value.length > keep ? cut(value, keep) : value));
    if (encoder.encode(text).length <= MAX_EVENT_BYTES) return text;
  }
  return JSON.stringify({ type: cut(String(event.type), 64), truncated: true });
}

/** The first `length` characters and an ellipsis, never half of a surrogate pair. */
function cut(text: string, length: number): string {
  if (text.length <= length) return text;
  const end = /[\uD800-\uDBFF]/.test(text[length - 1]!) ? length - 1 : length;
  return `${text.slice(0, end)}…`;
}
