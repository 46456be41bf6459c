/**
 * Batches events for `beaconUrl` and sends them with `navigator.sendBeacon` when the page is
 * hidden or left: the only moment a send is both cheap and certain to be the last.
 */
export function createBeacon(url: string, win: Window): (type: string, event: object) => void {
  let queue: object[] = [];
  const flush = () => {
    if (!queue.length) return;
    // A string body is sent as text/plain: a simple request, no CORS preflight.
    try {
      if (win.navigator.sendBeacon(url, JSON.stringify(queue))) queue = [];
    } catch {
      // A beaconUrl the browser refuses (a bad scheme) must not throw at the page.
    }
  };
  win.addEventListener('pagehide', flush);
  win.document.addEventListener('visibilitychange', () => {
    if (win.document.visibilityState === 'hidden') flush();
  });
  return (type, event) => {
    // An error's message is not enumerable: name it, or the beacon carries only its code.
    queue.push({ type, message: (event as Error).message, ...event });
  };
}
