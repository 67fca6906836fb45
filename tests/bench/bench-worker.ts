/**
 * One benchmark client, run in its own worker thread so that publishing, receiving and the
 * main thread's bookkeeping do not share an event loop. Every broker is driven by this same
 * code with the `nats` package over TCP; `workerData` says which part it plays.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connect, type NatsConnection } from 'nats';
import { nowUs } from './proc-stats.ts';
import { Slot, type FromWorker, type LatencyStats, type ToWorker, type WorkerRole } from './worker-messages.ts';

const port = parentPort!;
const role = workerData as WorkerRole;
const conns: NatsConnection[] = [];
let closing = false;

function say(m: FromWorker): void {
  port.postMessage(m);
}

// Messages published between checks of the delivery window; small enough that the window
// is respected closely, large enough that the check costs nothing per message.
const batch = 256;
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function open(): Promise<NatsConnection> {
  // No reconnect: a broker that drops us must show up as a failed phase, not as a pause.
  const nc = await connect({ servers: role.url, reconnect: false, timeout: 5000, noEcho: true });
  conns.push(nc);
  // nats-server closes a slow consumer without any -ERR, so closed() may carry no error:
  // any close we did not ask for fails the phase.
  void nc.closed().then((err) => {
    if (!closing) say({ type: 'error', message: `${role.role}: the broker closed the connection${err ? ` (${err.message})` : ''}` });
  });
  return nc;
}

async function publisher(r: Extract<WorkerRole, { role: 'publisher' }>): Promise<(m: ToWorker) => Promise<void>> {
  const nc = await open();
  const shared = new Int32Array(r.shared);
  const payload = new Uint8Array(r.payloadSize).fill(0x61);
  return async (m) => {
    if (m.type !== 'publish') return;
    say({ type: 'started', atUs: nowUs() });
    let i = 0;
    while (i < m.count && Atomics.load(shared, Slot.stop) === 0) {
      const end = Math.min(m.count, i + batch);
      for (; i < end; i++) nc.publish(r.subject, payload);
      // Flow control the same for every broker: never more than `window` messages ahead of
      // the slowest delivery, so no broker meets a slow consumer and the measured rate is
      // what it sustains, not how much it can buffer. Waiting sleeps rather than spins, to
      // leave the CPU to the broker and the subscribers.
      while (i - Atomics.load(shared, Slot.delivered) / r.perMessage > r.window && Atomics.load(shared, Slot.stop) === 0) {
        await sleep(1);
      }
      await tick();
    }
    await nc.flush();
    say({ type: 'published', atUs: nowUs(), count: i });
  };
}

async function subscriber(r: Extract<WorkerRole, { role: 'subscriber' }>): Promise<void> {
  const shared = new Int32Array(r.shared);
  const onMessage = (): void => {
    const n = Atomics.add(shared, Slot.delivered, 1) + 1;
    if (n === Atomics.load(shared, Slot.target)) say({ type: 'reached', atUs: nowUs() });
  };
  for (let c = 0; c < r.connections; c++) {
    const nc = await open();
    nc.subscribe(r.subject, { queue: r.queue, callback: onMessage });
    // The flush's PONG proves the SUB was processed before the main thread starts publishing.
    await nc.flush();
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function requester(r: Extract<WorkerRole, { role: 'requester' }>): Promise<(m: ToWorker) => Promise<void>> {
  const nc = await open();
  const payload = new Uint8Array(r.payloadSize).fill(0x62);
  return async (m) => {
    if (m.type !== 'requests') return;
    for (let i = 0; i < m.warm; i++) await nc.request(r.subject, payload, { timeout: 5000 });
    const times = new Float64Array(m.count);
    const deadline = nowUs() + m.maxMs * 1e3;
    let n = 0;
    // One request at a time: this measures the round trip, not how many can be in flight.
    while (n < m.count && nowUs() < deadline) {
      const t = nowUs();
      await nc.request(r.subject, payload, { timeout: 5000 });
      times[n++] = nowUs() - t;
    }
    const sorted = times.subarray(0, n).sort();
    const stats: LatencyStats = {
      count: n,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[n - 1]!,
      mean: sorted.reduce((a, b) => a + b, 0) / n,
    };
    say({ type: 'latencies', stats });
  };
}

async function responder(r: Extract<WorkerRole, { role: 'responder' }>): Promise<void> {
  const nc = await open();
  const payload = new Uint8Array(r.payloadSize).fill(0x63);
  nc.subscribe(r.subject, { callback: (_err, msg) => msg.respond(payload) });
  await nc.flush();
}

async function main(): Promise<void> {
  let handle: (m: ToWorker) => Promise<void> = async () => {};
  if (role.role === 'publisher') handle = await publisher(role);
  else if (role.role === 'requester') handle = await requester(role);
  else if (role.role === 'subscriber') await subscriber(role);
  else await responder(role);

  const close = async (): Promise<void> => {
    closing = true;
    await Promise.all(conns.map((nc) => nc.close()));
    say({ type: 'closed' });
    port.close();
  };
  port.on('message', (m: ToWorker) => {
    (m.type === 'close' ? close() : handle(m)).catch((e: Error) => say({ type: 'error', message: `${role.role}: ${e.message}` }));
  });
  say({ type: 'ready' });
}

main().catch((e: Error) => say({ type: 'error', message: `${role.role}: ${e.message}` }));
