import { render } from 'preact';
import { App } from './app.tsx';
import { fillNoiseSamples } from './state/noise-samples.ts';
import { notifyIfDue } from './state/reminders.ts';
import { syncEngine } from './state/sync.ts';
import './styles.css';

render(<App />, document.getElementById('app') as HTMLElement);
syncEngine().start();
// Noise samples an earlier visit left uncomputed (the app was closed right after an analysis).
void fillNoiseSamples().catch(() => undefined);
// A reminder is best effort: History says when a session is due whatever happens here.
void notifyIfDue().catch(() => undefined);
