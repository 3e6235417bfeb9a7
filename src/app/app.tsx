import { NavBar } from './components/nav-bar.tsx';
import { UpdateBanner } from './components/update-banner.tsx';
import { CameraScreen } from './screens/camera.tsx';
import { CompareScreen } from './screens/compare.tsx';
import { ConsentScreen } from './screens/consent.tsx';
import { HistoryScreen } from './screens/history.tsx';
import { NewSessionScreen } from './screens/new-session.tsx';
import { ReportScreen } from './screens/report.tsx';
import { RemoteCameraScreen } from './screens/remote-camera.tsx';
import { ResultsScreen } from './screens/results.tsx';
import { SettingsScreen } from './screens/settings.tsx';
import type { Route } from './state/router.ts';
import { useRoute } from './state/router.ts';

function Screen(props: { route: Route }) {
  const { route } = props;
  switch (route.name) {
    case 'new':
      return <NewSessionScreen />;
    case 'results':
      return <ResultsScreen sessionId={route.sessionId} />;
    case 'compare':
      return <CompareScreen a={route.a} b={route.b} />;
    case 'settings':
      return <SettingsScreen />;
    case 'consent':
      return <ConsentScreen />;
    case 'report':
      return <ReportScreen />;
    case 'remote-camera':
      return <RemoteCameraScreen angle={route.angle} />;
    case 'camera':
      return <CameraScreen code={route.code} />;
    default:
      return <HistoryScreen />;
  }
}

/** The whole app: the current screen, the tab bar and the update offer. */
export function App() {
  const route = useRoute();
  return (
    <>
      <div class="app">
        <Screen route={route} />
      </div>
      <NavBar route={route} />
      <UpdateBanner />
    </>
  );
}
