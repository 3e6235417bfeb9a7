// A worker thread starts without the loader its parent runs under (tsx), so it registers tsx itself, as bin/bcd.js
// does, and then loads the TypeScript entry the pool passes in `workerData.entry`.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
