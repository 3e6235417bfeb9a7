import { describe, expect, it } from 'vitest';
import type { Route } from '../../src/app/state/router.ts';
import { parseRoute, routeHref } from '../../src/app/state/router.ts';

describe('hash routes', () => {
  it('round-trip every screen', () => {
    const routes: Route[] = [
      { name: 'history' },
      { name: 'new' },
      { name: 'results', sessionId: '0b5c-4a/é' },
      { name: 'compare', a: 'x', b: 'y' },
      { name: 'compare', a: undefined, b: 'y' },
      { name: 'settings' },
      { name: 'consent' },
    ];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it('falls back to History for an unknown or empty hash', () => {
    expect(parseRoute('')).toEqual({ name: 'history' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'history' });
    expect(parseRoute('#/results/')).toEqual({ name: 'history' });
  });
});
