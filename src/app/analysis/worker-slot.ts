import { wrap } from 'comlink';
import type { Remote } from 'comlink';
import { AnalysisError, abortedError, fromWorkerError } from './errors.ts';

export interface WorkerSlotOptions {
  /** Starts a new worker (e.g. `new Worker(new URL(...), { type: 'module' })`). */
  readonly create: () => Worker;
  /** The worker is terminated after this many ms without work, and started again by the next call. */
  readonly idleMs: number;
  /**
   * Terminate the worker when the running call is aborted. Worth it when the call is long and a new worker is
   * cheap (decoding a 24 MP photo); not when the worker holds costly state (a model session).
   */
  readonly terminateOnAbort: boolean;
}

/** A call to run in the slot's worker; `fresh` is true when the worker was started for this call. */
export type SlotTask<Api, T> = (api: Remote<Api>, fresh: boolean) => Promise<T>;

interface Job {
  readonly task: SlotTask<unknown, unknown>;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: AnalysisError) => void;
  settled: boolean;
}

interface LiveWorker {
  readonly worker: Worker;
  readonly api: Remote<unknown>;
  /** Rejects the running job when the worker dies (a load or uncaught error), since comlink would wait forever. */
  readonly crashed: Promise<never>;
}

/**
 * One worker behind a queue: calls run one at a time in call order, each abortable by its AbortSignal (a queued
 * call is dropped; a running call is rejected at once, and its worker terminated if `terminateOnAbort`). The
 * worker is started on demand and terminated when idle for `idleMs` (as Squoosh does), so an unused app holds
 * no OpenCV heap or model session.
 */
export class WorkerSlot<Api> {
  private readonly queue: Job[] = [];
  private live: LiveWorker | undefined;
  /** The call being executed and how to stop waiting for it. */
  private running: { readonly job: Job; readonly interrupt: () => void } | undefined;
  private busy = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: WorkerSlotOptions) {}

  /** Calls queued or running here: what a pool compares to pick the least busy slot. */
  get load(): number {
    return this.queue.length + (this.running === undefined ? 0 : 1);
  }

  /** Whether the slot has a worker (starting or started), so a call need not wait for a new one to start. */
  get started(): boolean {
    return this.live !== undefined;
  }

  /**
   * Queues `task`. @throws AnalysisError `aborted` when `signal` fires first; the task's own error converted by
   * `fromWorkerError`; `analysis_failed` when the worker dies.
   */
  run<T>(task: SlotTask<Api, T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(abortedError());
      const job: Job = {
        task: task as SlotTask<unknown, unknown>,
        signal,
        resolve: resolve as (value: unknown) => void,
        reject,
        settled: false,
      };
      signal?.addEventListener('abort', () => this.abort(job), { once: true });
      this.queue.push(job);
      clearTimeout(this.idleTimer);
      void this.pump();
    });
  }

  /**
   * Starts the worker now, if none runs, rather than on the next call: its script starts its runtimes as it is
   * evaluated, so a call made soon after finds them ready. Unused, it ends after `idleMs` like any other.
   */
  warm(): void {
    if (this.live !== undefined) return;
    this.startWorker();
    if (!this.busy) this.armIdleTimer();
  }

  /** Ends the worker after `idleMs` unless a call comes first (`run` clears the timer). */
  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopWorker(), this.options.idleMs);
  }

  /** Terminates the worker and rejects the running and every queued call with `aborted`. The slot stays usable. */
  terminate(): void {
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(abortedError()));
    clearTimeout(this.idleTimer);
    this.stopRunning();
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    else if (job === this.running?.job && this.options.terminateOnAbort) this.stopRunning();
    this.settle(job, () => job.reject(abortedError()));
  }

  /** Terminates the worker and moves on from the running call, whose comlink promise would never settle. */
  private stopRunning(): void {
    this.stopWorker();
    this.running?.interrupt();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) {
        await this.execute(job);
      }
    } finally {
      this.busy = false;
    }
    this.armIdleTimer();
  }

  private async execute(job: Job): Promise<void> {
    const fresh = this.live === undefined;
    const { api, crashed } = this.live ?? this.startWorker();
    const interrupted = new Promise<never>((_, reject) => {
      this.running = { job, interrupt: () => reject(abortedError()) };
    });
    try {
      const value = await Promise.race([job.task(api, fresh), crashed, interrupted]);
      this.settle(job, () => job.resolve(value));
    } catch (error) {
      this.settle(job, () => job.reject(fromWorkerError(error)));
    } finally {
      this.running = undefined;
    }
  }

  private settle(job: Job, action: () => void): void {
    if (job.settled) return;
    job.settled = true;
    action();
  }

  private startWorker(): LiveWorker {
    const worker = this.options.create();
    const crashed = new Promise<never>((_, reject) => {
      const fail = (event: Event) => {
        const detail = event instanceof ErrorEvent && event.message ? event.message : 'the worker stopped';
        reject(new AnalysisError('analysis_failed', `The analysis worker failed (${detail}).`));
        if (this.live?.worker === worker) this.stopWorker();
      };
      worker.addEventListener('error', fail);
      worker.addEventListener('messageerror', fail);
    });
    crashed.catch(() => undefined);
    this.live = { worker, api: wrap<unknown>(worker), crashed };
    return this.live;
  }

  private stopWorker(): void {
    this.live?.worker.terminate();
    this.live = undefined;
  }
}

/**
 * Several slots of the same worker (issue 8: keep every core busy): each call goes to the slot with the fewest
 * calls queued or running, a slot without a worker counting one call more, so photos handed over together are
 * prepared in parallel while a lone call waits behind one call in a started worker rather than start another. Each
 * slot keeps its own queue, abort and idle rules (`WorkerSlot`).
 *
 * Why a new worker counts as a call: in the built app's cold start (Chromium, 2 cores) a preprocess worker took
 * 1.7–2.4 s from its creation to OpenCV.js and the codecs ready, and a photo's `prepare` 0.2–0.5 s. Counting it as
 * nothing sent the first photo to a second, cold worker whenever the app's start-up noise samples held the first.
 */
export class WorkerPool<Api> {
  private readonly slots: WorkerSlot<Api>[];

  /** @throws RangeError when `size` < 1. */
  constructor(size: number, options: WorkerSlotOptions) {
    if (!(size >= 1)) throw new RangeError(`a worker pool needs at least one worker, not ${size}`);
    this.slots = Array.from({ length: Math.floor(size) }, () => new WorkerSlot<Api>(options));
  }

  get size(): number {
    return this.slots.length;
  }

  /** `WorkerSlot.run` on the least busy slot (the first of equals, so a lone call reuses a warm worker). */
  run<T>(task: SlotTask<Api, T>, signal?: AbortSignal): Promise<T> {
    const busy = (slot: WorkerSlot<Api>) => slot.load + (slot.started ? 0 : 1);
    const slot = this.slots.reduce((best, s) => (busy(s) < busy(best) ? s : best));
    return slot.run(task, signal);
  }

  /** Starts the worker of the slot a lone call goes to (the first; see `WorkerSlot.warm`). */
  warm(): void {
    this.slots[0]?.warm();
  }

  /** Terminates every slot's worker (see `WorkerSlot.terminate`). */
  terminate(): void {
    for (const slot of this.slots) slot.terminate();
  }
}
