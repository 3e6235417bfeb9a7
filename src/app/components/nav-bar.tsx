import type { Route } from '../state/router.ts';
import { routeHref } from '../state/router.ts';

const TABS: { name: Route['name']; label: string; icon: string }[] = [
  { name: 'history', label: 'History', icon: 'M4 6h16M4 12h16M4 18h10' },
  { name: 'new', label: 'New session', icon: 'M12 5v14M5 12h14' },
  { name: 'compare', label: 'Compare', icon: 'M8 4v16M16 4v16M4 8h4M16 16h4' },
  {
    name: 'settings',
    label: 'Settings',
    icon: 'M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8M12 2v3M12 19v3M2 12h3M19 12h3',
  },
];

/**
 * Screens reached from a tab keep that tab marked: Results from History, the consent screen from Settings, the
 * phone-as-camera screen from New session.
 */
const PARENT_TAB: Partial<Record<Route['name'], Route['name']>> = {
  results: 'history',
  consent: 'settings',
  'remote-camera': 'new',
};

/** The bottom tab bar. */
export function NavBar(props: { route: Route }) {
  const active = PARENT_TAB[props.route.name] ?? props.route.name;
  return (
    <nav class="nav" aria-label="Main">
      {TABS.map((tab) => (
        <a
          key={tab.name}
          href={routeHref({ name: tab.name } as Route)}
          aria-current={tab.name === active ? 'page' : undefined}
          data-testid={`nav-${tab.name}`}
        >
          <svg
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            aria-hidden="true"
          >
            <path d={tab.icon} />
          </svg>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
