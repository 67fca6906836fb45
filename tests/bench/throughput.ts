/**
 * Throughput phases: one publisher thread and one or more subscriber threads, a warm-up
 * round then a measured round of a fixed message count. The clock runs from the first
 * publish to the delivery that completes the count, so the figure is what the broker
 * sustained end to end, with every message accounted for.
 */
import type { Running } from '../conformance/targets.ts';
import { startWorker, TimeoutError, type ClientWorker } from './client-worker.ts';
import { cpuSeconds, nowUs } from './proc-stats.ts';
import { sharedBytes, Slot } from './worker-messages.ts';

/** One throughput phase. */
export interface ThroughputSpec {
  payload: number;
  /** Subscribing connections; each gets every message unless `queue` is set. */
  subscribers: number;
  /** Queue group name: each message goes to one of the subscribers. */
  queue?: string;
  /** Worker threads the subscribing connections are spread over. */
  subscriberThreads: number;
  /** Messages published in each measured round. */
  count: number;
  /** Measured rounds; the result is the median one (rates vary ±10% on a shared 2-core box). */
  rounds: number;
  /** Messages published in the warm-up round. */
  warm: number;
  /** A round stops here; its rate is then what was delivered so far, and no more run. */
  maxSeconds: number;
}

/** What a throughput phase measured. */
export interface ThroughputResult {
  /** Deliveries per second (for a fan-out, each subscriber's copy counts). */
  rate: number;
  delivered: number;
  expected: number;
  seconds: number;
  /** Broker CPU during the measured round, in cores (nats-server may use more than 1). */
  brokerCores: number;
  /** This process's CPU (all client threads) during the measured round, in cores. */
  clientCores: number;
  /** False when the round hit `maxSeconds` before every message was delivered. */
  complete: boolean;
  /** The rate of every measured round, in the order run. */
  rounds: number[];
}

// Bytes a publisher may have in flight (published, not yet delivered). Enough to keep the
// pipe full at every payload size, far below any broker's slow-consumer limit (nats-server's
// max_pending defaults to 64 MiB).
const windowBytes = 4 << 20;

/** Runs one throughput phase against `broker`. */
export async function throughput(broker: Running, spec: ThroughputSpec): Promise<ThroughputResult> {
  const shared = new SharedArrayBuffer(sharedBytes);
  const counters = new Int32Array(shared);
  const subject = `bench.tp.${spec.payload}`;
  const perMessage = spec.queue ? 1 : spec.subscribers;
  const workers: ClientWorker[] = [];
  try {
    const subs: ClientWorker[] = [];
    for (let t = 0; t < spec.subscriberThreads; t++) {
      const connections = Math.floor(spec.subscribers / spec.subscriberThreads) + (t < spec.subscribers % spec.subscriberThreads ? 1 : 0);
      const w = await startWorker({ role: 'subscriber', url: broker.url, subject, connections, queue: spec.queue, shared });
      workers.push(w);
      subs.push(w);
    }
    const window = Math.max(1000, Math.min(100_000, Math.floor(windowBytes / (spec.payload + 32))));
    const pub = await startWorker({ role: 'publisher', url: broker.url, subject, payloadSize: spec.payload, perMessage, window, shared });
    workers.push(pub);

    const round = async (count: number, maxSeconds: number): Promise<Omit<ThroughputResult, 'rounds'>> => {
      const expected = count * perMessage;
      Atomics.store(counters, Slot.delivered, 0);
      Atomics.store(counters, Slot.stop, 0);
      Atomics.store(counters, Slot.target, expected);
      const cpu0 = cpuSeconds(broker.pid);
      const client0 = process.cpuUsage();
      pub.send({ type: 'publish', count });
      const started = await pub.next('started', 5000);
      let endUs: number;
      let complete = true;
      // Whichever subscriber thread completes the count reports it; the others' waits are
      // cancelled so they cannot swallow the next round's report.
      const race = new AbortController();
      try {
        const reached = await Promise.race(subs.map((s) => s.next('reached', maxSeconds * 1000, race.signal)));
        endUs = reached.atUs;
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        Atomics.store(counters, Slot.stop, 1);
        endUs = nowUs();
        complete = false;
      } finally {
        race.abort();
      }
      const delivered = Atomics.load(counters, Slot.delivered);
      const seconds = (endUs - started.atUs) / 1e6;
      const client = process.cpuUsage(client0);
      const result: Omit<ThroughputResult, 'rounds'> = {
        rate: (complete ? expected : delivered) / seconds,
        delivered: complete ? expected : delivered,
        expected,
        seconds,
        brokerCores: (cpuSeconds(broker.pid) - cpu0) / seconds,
        clientCores: (client.user + client.system) / 1e6 / seconds,
        complete,
      };
      if (complete) {
        await pub.next('published', 5000);
        // A broker that duplicates messages would reach the count early and look fast.
        const extra = Atomics.load(counters, Slot.delivered) - expected;
        if (extra > 0) throw new Error(`${extra} deliveries more than the ${expected} expected`);
      } else {
        // A capped round ends the phase; a publisher still stalled by the broker (nats-server
        // stalls a fast producer rather than dropping its consumer) has nothing more to say.
        await pub.next('published', 2000).catch(() => undefined);
      }
      return result;
    };

    const warm = await round(spec.warm, spec.maxSeconds);
    if (!warm.complete) return { ...warm, rounds: [] };
    const done: Array<Omit<ThroughputResult, 'rounds'>> = [];
    while (done.length < spec.rounds) {
      const r = await round(spec.count, spec.maxSeconds);
      done.push(r);
      if (!r.complete) return { ...r, rounds: done.map((d) => d.rate) };
    }
    const median = [...done].sort((a, b) => a.rate - b.rate)[Math.floor(done.length / 2)]!;
    return { ...median, rounds: done.map((d) => d.rate) };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}
