import { Workbox } from 'workbox-window';

/** How often an open app asks the server for a new version (it also asks on every start). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * Registers the service worker that keeps the app, the model and the WASM runtime available offline. A new
 * version waits until the person accepts it: `onUpdate` receives the function that switches to it and reloads.
 */
export function registerServiceWorker(onUpdate: (apply: () => void) => void): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
  wb.addEventListener('waiting', () =>
    onUpdate(() => {
      wb.addEventListener('controlling', () => location.reload());
      wb.messageSkipWaiting();
    }),
  );
  void wb.register().then(() => setInterval(() => void wb.update(), UPDATE_CHECK_MS));
}
