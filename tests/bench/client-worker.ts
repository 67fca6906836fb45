/**
 * The main thread's side of a benchmark client worker (bench-worker.ts): starts it with
 * TypeScript support, waits for what it reports, and shuts it down.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerRole } from './worker-messages.ts';

// A worker does not inherit tsx's loader under Node 20 (`--import tsx` only hooks the main
// thread), so each worker registers it before importing the TypeScript entry point, as
// bin/hearth.js does for the CLI.
const tsxApi = import.meta.resolve('tsx/esm/api');
const entry = new URL('./bench-worker.ts', import.meta.url).href;
const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;

type Kind = FromWorker['type'];

/** A worker did not report in time (as opposed to failing). */
export class TimeoutError extends Error {}

/** A running client worker. */
export interface ClientWorker {
  send(m: ToWorker): void;
  /**
   * Resolves with the next message of `type`; rejects on a worker error, after `timeoutMs`,
   * or when `signal` aborts (so a wait that lost a race leaves the next message alone).
   */
  next<K extends Kind>(type: K, timeoutMs: number, signal?: AbortSignal): Promise<Extract<FromWorker, { type: K }>>;
  /** Closes its connections gracefully (bounded), then ends the thread. */
  close(): Promise<void>;
}

/** Starts a worker playing `role` and waits until it is connected and subscribed. */
export async function startWorker(role: WorkerRole, timeoutMs = 10_000): Promise<ClientWorker> {
  const w = new Worker(boot, { eval: true, workerData: role });
  const inbox: FromWorker[] = [];
  const waiters: Array<() => void> = [];
  let failure: Error | undefined;
  const wake = (): void => {
    for (const f of waiters.splice(0)) f();
  };
  w.on('message', (m: FromWorker) => {
    if (m.type === 'error') failure ??= new Error(m.message);
    else inbox.push(m);
    wake();
  });
  w.on('error', (e: unknown) => {
    failure ??= e instanceof Error ? e : new Error(String(e));
    wake();
  });
  w.on('exit', () => {
    failure ??= new Error(`${role.role} worker exited`);
    wake();
  });

  const worker: ClientWorker = {
    send: (m) => w.postMessage(m),
    next: (type, ms, signal) =>
      new Promise((resolve, reject) => {
        // A waiter that timed out or was aborted stays in `waiters` until the next wake;
        // `settled` keeps it from taking a message meant for a later call.
        let settled = false;
        const timer = setTimeout(() => {
          settled = true;
          reject(new TimeoutError(`${role.role}: no '${type}' within ${ms} ms`));
        }, ms);
        signal?.addEventListener('abort', () => {
          settled = true;
          clearTimeout(timer);
          reject(new Error('aborted'));
        });
        const look = (): void => {
          if (settled) return;
          settled = true;
          const i = inbox.findIndex((m) => m.type === type);
          if (i >= 0) {
            clearTimeout(timer);
            resolve(inbox.splice(i, 1)[0] as Extract<FromWorker, { type: typeof type }>);
          } else if (failure) {
            clearTimeout(timer);
            reject(failure);
          } else {
            settled = false;
            waiters.push(look);
          }
        };
        look();
      }),
    close: async () => {
      if (!failure) {
        w.postMessage({ type: 'close' } satisfies ToWorker);
        await worker.next('closed', 3000).catch(() => {
          // a broker that stopped answering cannot be closed politely; terminate() below
        });
      }
      await w.terminate();
    },
  };
  try {
    await worker.next('ready', timeoutMs);
  } catch (e) {
    await w.terminate();
    throw e;
  }
  return worker;
}
