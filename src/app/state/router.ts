import { useEffect, useState } from 'preact/hooks';

/** Where the app is. Hash routes keep every screen reachable offline from the one precached `index.html`. */
export type Route =
  | { name: 'history' }
  | { name: 'new' }
  | { name: 'results'; sessionId: string }
  | { name: 'compare'; a?: string; b?: string }
  | { name: 'settings' }
  | { name: 'consent' }
  /** The report for a clinician: choosing its sessions. */
  | { name: 'report' }
  /** The bigger screen's side of "phone as camera", taking photos for `angle` (default: the first angle). */
  | { name: 'remote-camera'; angle?: string }
  /** The phone's side: joins the room of the pairing `code` (none: the page asks for it). */
  | { name: 'camera'; code?: string };

/** Reads a route from a location hash such as `#/results/<id>` or `#/compare?a=<id>&b=<id>`. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [name, arg] = path.split('/');
  const params = new URLSearchParams(query);
  if (name === 'new') return { name: 'new' };
  if (name === 'settings') return { name: 'settings' };
  if (name === 'consent') return { name: 'consent' };
  if (name === 'report') return { name: 'report' };
  if (name === 'remote-camera') return { name: 'remote-camera', angle: params.get('angle') ?? undefined };
  if (name === 'camera') return { name: 'camera', code: arg ? decodeURIComponent(arg) : undefined };
  if (name === 'results' && arg) return { name: 'results', sessionId: decodeURIComponent(arg) };
  if (name === 'compare') {
    return { name: 'compare', a: params.get('a') ?? undefined, b: params.get('b') ?? undefined };
  }
  return { name: 'history' };
}

/** The hash that leads to a route. */
export function routeHref(route: Route): string {
  switch (route.name) {
    case 'results':
      return `#/results/${encodeURIComponent(route.sessionId)}`;
    case 'compare': {
      const params = new URLSearchParams();
      if (route.a) params.set('a', route.a);
      if (route.b) params.set('b', route.b);
      const query = params.toString();
      return `#/compare${query ? `?${query}` : ''}`;
    }
    case 'remote-camera':
      return route.angle ? `#/remote-camera?angle=${encodeURIComponent(route.angle)}` : '#/remote-camera';
    case 'camera':
      return route.code ? `#/camera/${encodeURIComponent(route.code)}` : '#/camera';
    default:
      return `#/${route.name}`;
  }
}

/** Goes to a route (adds a browser history entry, so Back works). */
export function navigate(route: Route): void {
  location.hash = routeHref(route);
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
