/** Worker-thread entry of the bench's client load: runs `workerData.plan` and posts the phases' results. */
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadPlan } from './load.ts';

parentPort!.postMessage(await runLoad((workerData as { plan: LoadPlan }).plan));
