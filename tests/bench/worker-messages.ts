/**
 * What the benchmark's main thread and its client worker threads say to each other, and
 * the layout of the shared counters they both read without messages.
 */

/** Slots of the Int32Array over the SharedArrayBuffer given to a throughput phase's workers. */
export const Slot = {
  /** Messages delivered so far, summed over every subscribing connection. */
  delivered: 0,
  /** When `delivered` reaches this, the subscriber that got there reports the time. */
  target: 1,
  /** Set to 1 by the main thread to make a publisher stop early (the phase ran out of time). */
  stop: 2,
} as const;

/** Bytes of shared memory a throughput phase needs. */
export const sharedBytes = 3 * Int32Array.BYTES_PER_ELEMENT;

/** What a client worker is started as (its `workerData`). */
export type WorkerRole =
  | {
      role: 'publisher';
      url: string;
      subject: string;
      payloadSize: number;
      /** Deliveries each published message makes (10 for a 1→10 fan-out). */
      perMessage: number;
      /** Most messages allowed published but not yet delivered. */
      window: number;
      shared: SharedArrayBuffer;
    }
  | { role: 'subscriber'; url: string; subject: string; connections: number; queue?: string; shared: SharedArrayBuffer }
  | { role: 'responder'; url: string; subject: string; payloadSize: number }
  | { role: 'requester'; url: string; subject: string; payloadSize: number };

/** Main thread → worker. */
export type ToWorker =
  | { type: 'publish'; count: number }
  | { type: 'requests'; count: number; warm: number; maxMs: number }
  | { type: 'close' };

/** Round-trip statistics in microseconds. */
export interface LatencyStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Worker → main thread. Times are microseconds from `nowUs()`. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'started'; atUs: number }
  | { type: 'published'; atUs: number; count: number }
  | { type: 'reached'; atUs: number }
  | { type: 'latencies'; stats: LatencyStats }
  | { type: 'closed' }
  | { type: 'error'; message: string };
