/**
 * Renders off the event loop: a QR code takes 20–80 ms and an activation sheet 250–500 ms of CPU,
 * so a burst of assigns rendered on the main thread stalls every request the server is serving.
 * The pool starts its worker threads on first use, gives each one task at a time, and lets an idle
 * worker keep nobody alive (the process can still exit if close() is never called).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChartWords, DayCalls } from '../../calls/index.js';
import type { ActivationDetails, Language } from '../../domain/types.js';
import type { Renderer } from '../renderer.js';

export type RenderTask =
  | { kind: 'qrPng'; payload: string }
  | { kind: 'activationSheet'; details: ActivationDetails; lang: Language; creationDate: Date }
  | { kind: 'callsChart'; byDay: readonly DayCalls[]; words: ChartWords; lang: Language };

export type RenderReply = { bytes: Uint8Array } | { error: string };

interface Job {
  task: RenderTask;
  resolve: (bytes: Buffer) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  thread: Worker;
  job?: Job;
  /** Why the thread died, if it did. */
  failure?: Error;
}

// Compiled (dist/), the worker is plain JavaScript; run through tsx (tests, benches), it needs the
// boot file, as Node 20 does not carry tsx's loader hooks into worker threads.
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './boot.mjs' : './renderWorker.js', import.meta.url);

/** One core stays with the event loop; at most 4, as each worker holds its own copy of qrcode and pdfkit. */
export const DEFAULT_POOL_SIZE = Math.max(1, Math.min(4, availableParallelism() - 1));

export class RenderPool implements Renderer {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private readonly pending = new Set<Promise<Buffer>>();
  private closing?: Promise<void>;

  constructor(private readonly size = DEFAULT_POOL_SIZE) {}

  /** Worker threads alive now. */
  get threads(): number {
    return this.workers.length;
  }

  qrPng(payload: string): Promise<Buffer> {
    return this.run({ kind: 'qrPng', payload });
  }

  // The date is taken here, when the sheet is asked for, so the bytes depend on the request alone.
  activationSheet(details: ActivationDetails, lang: Language, creationDate = new Date()): Promise<Buffer> {
    return this.run({ kind: 'activationSheet', details, lang, creationDate });
  }

  callsChart(byDay: readonly DayCalls[], words: ChartWords, lang: Language): Promise<Buffer> {
    return this.run({ kind: 'callsChart', byDay, words, lang });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled(this.pending);
      await Promise.all(this.workers.map((worker) => worker.thread.terminate()));
    })();
    return this.closing;
  }

  private run(task: RenderTask): Promise<Buffer> {
    if (this.closing) return Promise.reject(new Error('The renderer is closed.'));
    const rendered = new Promise<Buffer>((resolve, reject) => this.queue.push({ task, resolve, reject }));
    this.pending.add(rendered);
    const forget = () => this.pending.delete(rendered);
    rendered.then(forget, forget);
    this.dispatch();
    return rendered;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.workers.find((w) => !w.job) ?? (this.workers.length < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      worker.job = job;
      worker.thread.ref();
      worker.thread.postMessage(job.task);
    }
  }

  private spawn(): PoolWorker {
    const worker: PoolWorker = { thread: new Worker(WORKER_ENTRY) };
    worker.thread.unref();
    worker.thread.on('message', (reply: RenderReply) => {
      const job = worker.job;
      worker.job = undefined;
      worker.thread.unref();
      if ('bytes' in reply) job?.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
      else job?.reject(new Error(reply.error));
      this.dispatch();
    });
    worker.thread.on('error', (error) => {
      worker.failure = error;
    });
    // A thread that dies fails its task; the next task starts a new one.
    worker.thread.on('exit', (code) => {
      this.workers.splice(this.workers.indexOf(worker), 1);
      worker.job?.reject(worker.failure ?? new Error(`A render worker stopped (exit code ${code}).`));
      this.dispatch();
    });
    this.workers.push(worker);
    return worker;
  }
}
