/**
 * A service whose database is damaged: it runs, but only to say so. Its health answer is
 * `degraded` with `storage.corrupt` and the reason (the file, what to do), and every
 * request to it — its operations and its event log — gets the `storage.corrupt` error
 * (HTTP 503 naming the service) at once. Nothing is read from the file, so nothing can
 * abort, and the supervisor has nothing to restart.
 */
import type { Msg, NatsConnection } from 'nats';
import { connectBroker, errorReply, okReply } from '../bus/index.ts';
import type { Db } from '../db/index.ts';
import { kitSubjects } from '../envelope.ts';
import { EventLog } from '../es/event-log.ts';
import type { Logger } from '../log.ts';
import type { RunOptions, RunningService } from './run.ts';

/** Serves `service`'s damage until stopped. */
export async function serveDamaged(service: string, db: Db, o: RunOptions, log: Logger, opened: { nc?: NatsConnection }): Promise<RunningService> {
  const started = Date.now();
  log.error('database damaged: this service will not serve until it is restored', {
    file: db.storage.file,
    reason: db.storage.reason,
  });
  const nc = (opened.nc = await connectBroker({ ...o.broker, name: `hearth-${service}`, inboxPrefix: kitSubjects.inbox(service) }));
  const refuse = (msg: Msg) => {
    if (msg.reply) msg.respond(errorReply(db.storage.error()));
  };
  const health = (msg: Msg) => {
    if (!msg.reply) return;
    const reply = { service, status: 'degraded', code: 'storage.corrupt', reason: db.storage.reason, pid: process.pid, uptimeMs: Date.now() - started, head: 0, published: 0, consumers: {}, info: {} };
    msg.respond(okReply(reply));
  };
  const subs = [
    nc.subscribe(`svc.${service}.>`, { queue: service, callback: (_e, m) => refuse(m) }),
    nc.subscribe(kitSubjects.logRead(service), { queue: service, callback: (_e, m) => refuse(m) }),
    nc.subscribe(kitSubjects.health(service), { queue: service, callback: (_e, m) => health(m) }),
  ];
  let stopping: Promise<void> | undefined;
  return {
    name: service,
    db,
    events: new EventLog(db, service),
    nc,
    log,
    stop: () =>
      (stopping ??= (async () => {
        for (const s of subs) s.unsubscribe();
        if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
        db.close();
        log.info('stopped');
      })()),
  };
}
