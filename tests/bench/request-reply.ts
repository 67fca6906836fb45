/**
 * Request/reply latency: a responder thread answers every request on a subject, a
 * requester thread sends one request at a time (nats.js's muxed inbox, as applications use
 * it) and times each round trip.
 */
import type { Running } from '../conformance/targets.ts';
import { startWorker, type ClientWorker } from './client-worker.ts';
import { cpuSeconds, nowUs } from './proc-stats.ts';
import type { LatencyStats } from './worker-messages.ts';

/** One request/reply phase. */
export interface RequestReplySpec {
  payload: number;
  count: number;
  warm: number;
  /** The measured requests stop here, however many were made. */
  maxSeconds: number;
}

/** Round-trip latencies (µs) and the broker CPU they cost. */
export interface RequestReplyResult extends LatencyStats {
  /** Broker CPU during the warm-up and measured requests, in cores. */
  brokerCores: number;
}

/** Runs one request/reply phase against `broker`. */
export async function requestReply(broker: Running, spec: RequestReplySpec): Promise<RequestReplyResult> {
  const subject = 'bench.rr';
  const workers: ClientWorker[] = [];
  try {
    workers.push(await startWorker({ role: 'responder', url: broker.url, subject, payloadSize: spec.payload }));
    const req = await startWorker({ role: 'requester', url: broker.url, subject, payloadSize: spec.payload });
    workers.push(req);
    const t0 = nowUs();
    const cpu0 = cpuSeconds(broker.pid);
    req.send({ type: 'requests', count: spec.count, warm: spec.warm, maxMs: spec.maxSeconds * 1000 });
    // The warm-up is not time-boxed by the worker, so allow it the same time again.
    const { stats } = await req.next('latencies', spec.maxSeconds * 2000 + 10_000);
    const seconds = (nowUs() - t0) / 1e6;
    return { ...stats, brokerCores: (cpuSeconds(broker.pid) - cpu0) / seconds };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}
