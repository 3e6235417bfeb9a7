import { render } from 'preact';
import { App } from './app.tsx';
import { syncEngine } from './state/sync.ts';
import './styles.css';

render(<App />, document.getElementById('app') as HTMLElement);
syncEngine().start();
