/**
 * Browsers refuse a beacon body over 64 KiB (`sendBeacon` returns false), and a keepalive fetch
 * has the same budget: 60 KiB of UTF-8 per body leaves room.
 */
const MAX_BODY_BYTES = 60 * 1024;
/** A page that reports in a loop must not grow the queue for ever; beyond this, events are counted. */
const MAX_QUEUED = 500;

const bytesOf = (text: string) => new Blob([text]).size;

/**
 * Batches events for `beaconUrl` and sends them with `navigator.sendBeacon` when the page is
 * hidden or left: the only moment a send is both cheap and certain to be the last. Bodies are
 * JSON arrays of whole events, at most 60 KiB each; an event too big for a body of its own has
 * its long strings cut. A body `sendBeacon` refuses goes by `fetch` with `keepalive`. At most 500
 * events wait; the count of any others is sent as `{ type: 'dropped', count }`. Neither queueing
 * nor sending ever throws at the page.
 */
export function createBeacon(url: string, win: Window): (type: string, event: object) => void {
  // Each event is serialised when it happens: its size is known, and later changes cannot leak in.
  let queue: string[] = [];
  let dropped = 0;

  // A string body is sent as text/plain, with no header of ours: a simple request, no preflight.
  const send = (batch: string[]) => {
    const body = `[${batch}]`;
    try {
      if (win.navigator.sendBeacon(url, body)) return;
    } catch {
      // No sendBeacon, or a beaconUrl it refuses: fetch may still take it.
    }
    try {
      win.fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => undefined);
    } catch {
      // Nothing left to try; the page must not notice.
    }
  };

  const flush = () => {
    if (dropped) queue.unshift(JSON.stringify({ type: 'dropped', count: dropped }));
    let batch: string[] = [];
    let size = 2;
    for (const json of queue) {
      const bytes = bytesOf(json) + 1;
      if (batch.length && size + bytes > MAX_BODY_BYTES) {
        send(batch);
        batch = [];
        size = 2;
      }
      batch.push(json);
      size += bytes;
    }
    if (batch.length) send(batch);
    queue = [];
    dropped = 0;
  };

  win.addEventListener('pagehide', flush);
  win.document.addEventListener('visibilitychange', () => {
    if (win.document.visibilityState === 'hidden') flush();
  });
  return (type, event) => {
    try {
      // An error's message is not enumerable: name it, or the beacon carries only its code.
      const whole = { type, message: (event as Error).message, ...event };
      let json = JSON.stringify(whole);
      // Too big for a body of its own: cut its strings rather than drop it (the tail of a
      // message or stack matters least).
      if (bytesOf(json) > MAX_BODY_BYTES - 2) json = JSON.stringify({ ...whole, truncated: true }, (_, v: unknown) => (typeof v === 'string' ? v.slice(0, 1024) : v));
      if (bytesOf(json) > MAX_BODY_BYTES - 2) json = JSON.stringify({ type, truncated: true });
      if (queue.length < MAX_QUEUED) queue.push(json);
      else dropped++;
    } catch {
      // Cyclic, a BigInt, a getter that throws: it cannot be sent, but it is counted.
      dropped++;
    }
  };
}
