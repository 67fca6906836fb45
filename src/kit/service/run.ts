/**
 * Running a service: the boot sequence (an ordered list, read top to bottom) and the stop
 * sequence, which finishes in-flight requests and publishes every committed event before
 * the process exits.
 */
import type { NatsConnection, Subscription } from 'nats';
import { connectBroker, Requester, Responder, type BrokerTarget } from '../bus/index.ts';
import { GroupCommit, type Db, type DbOptions } from '../db/index.ts';
import * as v from 'valibot';
import { EnvelopeSchema, HealthReply, kitSubjects } from '../envelope.ts';
import { decode, encode } from '../codec.ts';
import { EventLog, type InlineProjection } from '../es/event-log.ts';
import { Consumer, logReadOp, type ConsumerSpec } from '../es/consumer.ts';
import { Relay } from '../es/relay.ts';
import { readEpochs } from '../es/epoch.ts';
import { check, type Operation } from '../contract.ts';
import { createLogger, type Level, type Logger } from '../log.ts';
import { requestContext, write } from './context.ts';
import { serveDamaged } from './damaged.ts';
import { openStorage } from './storage.ts';
import { consumerSpec, inlineProjection } from './consumption.ts';
import { SagaDriver } from '../saga/driver.ts';
import { sagaHandle } from '../saga/handle.ts';
import { applyStepOnce, killAfterStepForTests } from '../saga/participant.ts';
import { sagaGetOp, sagaListOp, sagaQueries } from '../saga/ops.ts';
import type { SagaDefinition, StepRequest } from '../saga/define.ts';
import type { ConsumeSpec, ProjectionSpec, ServiceApi, ServiceDefinition, ServiceHandler } from './define.ts';

/** Everything a service needs from configuration. */
export interface RunOptions {
  broker: Omit<BrokerTarget, 'name' | 'inboxPrefix'>;
  db: DbOptions;
  log?: { level?: Level; format?: 'auto' | 'json' | 'pretty'; write?: (line: string) => void };
  requestTimeoutMs?: number;
  maxRequestBytes?: number;
  relayBatch?: number;
  catchupMs?: number;
  /** Milliseconds the start-up scan of the database for damaged text may take (default 2000; see db/check.ts). */
  dbCheckMs?: number;
  /** Handed to the service as `api.settings` (Hearth passes its whole configuration). */
  settings?: unknown;
  /**
   * The clock (epoch ms, default `Date.now`): stamps events' `at` and checkpoints, and is
   * `api.now`. Timers (catch-up, relay polling, timeouts) stay on real time.
   */
  now?: () => number;
  /**
   * Milliseconds after start during which a consumer whose producer has never answered
   * waits quietly (debug lines only) before it warns (default 120000).
   */
  startGraceMs?: number;
  /** Longest pause (ms) between two looks of the saga driver for due sagas (default 1000). */
  sagaPollMs?: number;
}

/**
 * What `runService` uses for an option not given; also the defaults of configuration
 * `kit.*` (src/config), so a service run without configuration behaves as configured.
 *
 * @example
 * runService(def, { broker, db }); // requests time out after RUN_DEFAULTS.requestTimeoutMs
 */
export const RUN_DEFAULTS = { requestTimeoutMs: 5000, maxRequestBytes: 262_144, relayBatch: 256, catchupMs: 5000 } as const;

/** A running service. */
export interface RunningService {
  readonly name: string;
  readonly db: Db;
  readonly events: EventLog;
  readonly nc: NatsConnection;
  readonly log: Logger;
  /** Finishes in-flight requests, publishes committed events, closes everything. */
  stop(): Promise<void>;
}

/** `sys.health.<service>` as an operation (any body, or none, asks). */
export const healthOp = (service: string): Operation<unknown, HealthReply> => ({
  kind: 'query',
  service,
  name: 'health',
  subject: kitSubjects.health(service),
  version: 1,
  request: v.unknown(),
  reply: HealthReply,
  idempotent: true,
});

/**
 * Starts `def`: database, migrations, broker, handlers, relay, consumers, in that order.
 *
 * @example
 * const svc = await runService(notes, { broker: { url }, db: { path: 'data/notes.db' } });
 * await svc.stop();
 */
export async function runService(def: ServiceDefinition, o: RunOptions): Promise<RunningService> {
  const opened: { db?: Db; nc?: NatsConnection } = {};
  try {
    return await boot(def, o, opened);
  } catch (err) {
    await opened.nc?.close().catch(() => undefined); // a failed start leaves nothing open
    opened.db?.close();
    throw err;
  }
}

async function boot(def: ServiceDefinition, o: RunOptions, opened: { db?: Db; nc?: NatsConnection }): Promise<RunningService> {
  const started = Date.now();
  const log = createLogger({ service: def.name, ...o.log });
  const maxRequestBytes = o.maxRequestBytes ?? RUN_DEFAULTS.maxRequestBytes;

  // 1. The database, checked, with the kit's tables and then the service's own. A damaged
  //    one is not served from: the service only says what is wrong (damaged.ts).
  const db = await openStorage(def.name, def.migrations, { db: o.db, checkMs: o.dbCheckMs, log }, opened);
  if (db.storage.state === 'corrupt') return serveDamaged(def.name, db, o, log, opened);
  db.storage.onChange = (state, reason) =>
    state === 'ok' ? log.info('storage recovered: writes succeed again', { file: db.storage.file }) : log.error(`storage ${state}`, { file: db.storage.file, reason });
  const now = o.now ?? Date.now;
  const events = new EventLog(db, def.name, { now });
  const commits = new GroupCommit(db); // ctx.write(fn, { group: true })
  const means = { db, commits, events, pruned: { lastAt: 0 } }; // what a request's writes use
  // The log's epoch history changes only while no service runs on the database (a restore).
  const epochs = await readEpochs(db);

  // 2. The broker; replies to this service's requests come back under its own inbox prefix.
  const nc = (opened.nc = await connectBroker({ ...o.broker, name: `hearth-${def.name}`, inboxPrefix: kitSubjects.inbox(def.name) }));
  const requester = new Requester(nc, { timeoutMs: o.requestTimeoutMs ?? RUN_DEFAULTS.requestTimeoutMs, maxRequestBytes });
  const responder = new Responder(nc, { service: def.name, log, maxRequestBytes });
  const relay = new Relay(db, events, nc, log, { batch: o.relayBatch ?? RUN_DEFAULTS.relayBatch, epoch: epochs.at(-1)?.id });
  const consumers: Consumer[] = [];
  const starting: (() => Promise<void> | void)[] = [];
  const onStop: (() => Promise<void> | void)[] = [];
  const live: Subscription[] = [];
  const info: Record<string, string> = {};
  const requestTimeoutMs = o.requestTimeoutMs ?? RUN_DEFAULTS.requestTimeoutMs;
  const sagas = new SagaDriver({
    db,
    requester,
    log,
    requestTimeoutMs,
    pollMs: o.sagaPollMs,
    write: (correlationId, fn) => write({ db, commits, events }, { correlationId }, fn),
  });

  // 3. The service registers what it does.
  const api: ServiceApi = {
    name: def.name,
    settings: o.settings ?? {},
    db,
    events,
    log,
    handle: <O extends Operation>(op: O, fn: ServiceHandler<O>) =>
      responder.handle(op, (req, ctx) => fn(req, requestContext(ctx, means))),
    write: (fn, wo) => write({ db, commits, events }, {}, fn, wo),
    now,
    project: (p: ProjectionSpec) => events.project(inlineProjection(p, events)),
    consume: (source: string, spec: ConsumeSpec) =>
      void consumers.push(
        new Consumer(source, consumerSpec(spec, events, log), { db, nc, requester, log, catchupMs: o.catchupMs ?? RUN_DEFAULTS.catchupMs, now, graceMs: o.startGraceMs ?? 120_000 }),
      ),
    request: (op, data, call) => requester.request(op, data, call),
    subscribe: (subject, fn) =>
      void live.push(
        nc.subscribe(subject, {
          callback: (_err, msg) => {
            try {
              fn(check(EnvelopeSchema, decode(msg.data), 'kit.invalid_event', 'event envelope'));
            } catch (err) {
              log.warn('live event dropped', { subject: msg.subject, err });
            }
          },
        }),
      ),
    publish: (subject, data) => nc.publish(subject, encode(data)),
    listen: (subject, fn) =>
      void live.push(
        nc.subscribe(subject, {
          callback: (_err, msg) => {
            let data: unknown;
            try {
              data = decode(msg.data);
            } catch (err) {
              return log.debug('undecodable message dropped', { subject: msg.subject, err });
            }
            try {
              fn(data, msg.subject);
            } catch (err) {
              log.warn('message listener failed', { subject: msg.subject, err });
            }
          },
        }),
      ),
    saga: (def) => {
      sagas.register(def as SagaDefinition<unknown>);
      return sagaHandle(def, () => sagas.wake(), log);
    },
    sagaStep: (op, fn) =>
      responder.handle(op, (req, ctx) =>
        requestContext(ctx, means)
          .write((tx) =>
            applyStepOnce(tx, req as StepRequest<never>, (data, step) => {
              killAfterStepForTests(tx, `${def.name}.${op.name}`);
              return fn(data, tx, step);
            }),
          )
          // A step is most often an erasure: out of the WAL at once rather than at the next automatic checkpoint.
          .finally(() => void db.checkpoint()),
      ),
    report: (key, value) => void (info[key] = value),
    onStart: (fn) => void starting.push(fn),
    onStop: (fn) => void onStop.push(fn),
  };
  await def.setup(api);

  // 4. The kit's own answers: the event log and health. A log page is cut to fit half the
  //    broker's payload limit (the client knows the server's); a reader asks again for the rest.
  const replyBudget = Math.floor(nc.info!.max_payload / 2);
  // The head is read before the page: every event at or below it that still exists is then in
  // the page or after it, so a reader may step over an empty page's seqs up to the head (erased).
  responder.handle(logReadOp(def.name), async ({ after, limit }) => {
    const head = await events.head();
    return { head, events: await events.readPage(after, limit ?? 100, replyBudget), epochs };
  });
  let status: 'ok' | 'starting' | 'stopping' = 'starting';
  responder.handle(healthOp(def.name), async () => {
    await db.probeSpace(); // while the disk is full: has room come back?
    const fault = db.storage.state !== 'ok' && status !== 'stopping';
    return {
      service: def.name,
      status: fault ? ('degraded' as const) : status,
      ...(fault ? { code: db.storage.error().code, reason: db.storage.reason } : {}),
      pid: process.pid,
      uptimeMs: Date.now() - started,
      head: db.storage.state === 'corrupt' ? 0 : await events.head(),
      published: relay.published,
      consumers: Object.fromEntries(consumers.map((c) => [c.source, c.checkpoint])),
      info,
    };
  });
  // Every service answers what sagas it runs (none: an empty list), for the gateway's views.
  const sagaViews = sagaQueries(db, def.name, (type) => sagas.definition(type));
  responder.handle(sagaListOp(def.name), (req) => sagaViews.list(req));
  responder.handle(sagaGetOp(def.name), (req) => sagaViews.get(req));
  responder.listen([kitSubjects.logRead(def.name), kitSubjects.health(def.name), kitSubjects.sagaSteps(def.name)]);

  // 5. Publishing and consuming.
  await relay.start();
  await Promise.all(consumers.map((c) => c.start()));
  for (const fn of starting) await fn();
  sagas.start(); // resumes every unfinished saga (after a crash, where it stood)
  // Ready means answering: the broker has every subscription before anyone is told so.
  await nc.flush();
  status = 'ok';
  log.info('ready', { ms: Date.now() - started, head: await events.head() });

  // Whether the broker is reachable now: a stop without it must not wait on drains.
  let connected = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') connected = false;
      else if (s.type === 'reconnect') connected = true;
    }
  })();

  let stopping: Promise<void> | undefined;
  return {
    name: def.name,
    db,
    events,
    nc,
    log,
    stop: () =>
      (stopping ??= (async () => {
        status = 'stopping';
        for (const fn of onStop) await fn();
        await sagas.stop(); // attempts in flight end (each within its request timeout); the rest resume at the next start
        for (const s of live) s.unsubscribe();
        if (!connected) {
          log.warn('stopping without the broker; unpublished events go out at the next start');
          await nc.close(); // fails pending requests at once instead of letting them time out
        }
        await responder.stop();
        await Promise.all(consumers.map((c) => c.stop()));
        await relay.stop();
        if (!nc.isClosed()) await nc.drain().catch(() => nc.close()); // drain can fail if the broker just went away
        await db.checkpoint(); // a clean stop leaves an empty WAL: nothing erased lingers in it
        db.close();
        log.info('stopped');
      })()),
  };
}
