import { expose } from 'comlink';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/app/analysis/worker-slot.ts';

/** What the stand-in worker does: answers after `ms`, saying which worker it is. */
interface EchoApi {
  after(ms: number): Promise<number>;
}

/**
 * Workers made of MessageChannels (Node has no Web Worker): each is a real comlink endpoint, numbered in the order
 * the pool started them, so a test sees which worker ran each call and how many were started.
 */
function channelWorkers(): { create: () => Worker; started: () => number } {
  let count = 0;
  return {
    create: () => {
      const id = ++count;
      const { port1, port2 } = new MessageChannel();
      expose(
        { after: (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(id), ms)) },
        port2,
      );
      return Object.assign(port1, {
        terminate: () => {
          port1.close();
          port2.close();
        },
      }) as unknown as Worker;
    },
    started: () => count,
  };
}

function pool(workers: ReturnType<typeof channelWorkers>): WorkerPool<EchoApi> {
  return new WorkerPool<EchoApi>(2, { create: workers.create, idleMs: 60_000, terminateOnAbort: false });
}

describe('WorkerPool: which worker a call goes to', () => {
  it('sends a lone call to the warmed worker', async () => {
    const workers = channelWorkers();
    const p = pool(workers);
    p.warm();
    expect(await p.run((api) => api.after(0))).toBe(1);
    expect(workers.started()).toBe(1);
    p.terminate();
  });

  it('queues a call behind one call in a started worker rather than start a second worker', async () => {
    const workers = channelWorkers();
    const p = pool(workers);
    p.warm();
    const first = p.run((api) => api.after(50));
    const second = p.run((api) => api.after(0));
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(workers.started()).toBe(1);
    p.terminate();
  });

  it('starts the second worker once the first has two calls, so photos handed over together run in parallel', async () => {
    const workers = channelWorkers();
    const p = pool(workers);
    const calls = [0, 1, 2, 3].map(() => p.run((api) => api.after(20)));
    expect(await Promise.all(calls)).toEqual([1, 1, 2, 2]);
    expect(workers.started()).toBe(2);
    p.terminate();
  });
});
