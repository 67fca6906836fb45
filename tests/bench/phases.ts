/**
 * What the broker benchmark runs against each broker, in order, and how long each part may
 * take. Counts scale with BENCH_SCALE (e.g. 0.1 for a quick look); the defaults keep a run
 * against two brokers under about three minutes on two cores.
 */
import type { Running } from '../conformance/targets.ts';
import { idleConnections } from './idle-connections.ts';
import { requestReply } from './request-reply.ts';
import { throughput, type ThroughputSpec } from './throughput.ts';

/** A measurement's result, or why it has none. */
export type Outcome<T = unknown> = { value: T } | { error: string };

/** One part of the benchmark, run against one started broker. */
export interface Phase {
  id: string;
  /** What the progress line says while it runs. */
  title: string;
  run(broker: Running): Promise<unknown>;
}

const scale = Number(process.env.BENCH_SCALE ?? '1') || 1;
const n = (count: number): number => Math.max(100, Math.round(count * scale));

// Fan-out and queue groups use 128 B, the size of a typical location update or chat line in
// Hearth; the 16 B pub→sub figure is the per-message cost with payload copying out of it.
// Ten subscribing connections are spread over two threads so the receiving side can use
// both cores when the broker leaves them free.
const tp = (over: Partial<ThroughputSpec> & Pick<ThroughputSpec, 'payload' | 'count'>): ThroughputSpec => ({
  subscribers: 1,
  subscriberThreads: 1,
  warm: n(over.count / 10),
  maxSeconds: 8,
  rounds: 3,
  ...over,
  count: n(over.count),
});

/** Throughput phases, by id. */
export const throughputSpecs: Record<string, ThroughputSpec> = {
  'pubsub-16': tp({ payload: 16, count: 600_000 }),
  'pubsub-128': tp({ payload: 128, count: 500_000 }),
  'pubsub-1k': tp({ payload: 1024, count: 250_000 }),
  'fanout-10': tp({ payload: 128, count: 100_000, subscribers: 10, subscriberThreads: 2 }),
  'queue-10': tp({ payload: 128, count: 400_000, subscribers: 10, subscriberThreads: 2, queue: 'workers' }),
};

/** Every phase, in the order it runs: memory first, on a broker that has carried no traffic. */
export const phases: Phase[] = [
  { id: 'idle-1000', title: 'RSS with 1,000 idle connections', run: (b) => idleConnections(b, 1000) },
  ...Object.entries(throughputSpecs).map(([id, spec]) => ({ id, title: id, run: (b: Running) => throughput(b, spec) })),
  {
    id: 'request-reply',
    title: 'request/reply latency',
    run: (b) => requestReply(b, { payload: 16, count: n(20_000), warm: n(2_000), maxSeconds: 10 }),
  },
];
