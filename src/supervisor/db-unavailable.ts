/**
 * A service whose database cannot be opened (`storage.unavailable`: a remote libSQL server
 * or primary that refuses, is silent, is not libSQL or has no such host; a `file:` URL in
 * a directory that cannot be written) runs only to say so, and tries again. Its health
 * answer is `degraded` with the reason — the service, the URL without credentials, what
 * to check — so `/readyz` and the banner of `hearth serve` show it at once and the
 * supervisor logs it once; every request to it gets 503 `storage.unavailable` at once.
 * Nothing crash-loops. It tries to start for real after the supervisor's restart delays
 * (`supervisor.restart_initial_ms`, doubling up to `restart_max_ms`), so a primary that
 * comes back, a network that comes up after the machine booted, or a directory that was
 * made lets the service start on its own; a new reason is logged, the same one is not.
 */
import type { Msg } from 'nats';
import { AppError, backoffCeiling, connectBroker, errorReply, kitSubjects, okReply, type BrokerTarget, type Logger, type RunningService } from '../kit/index.ts';

/** True for the error of a database that cannot be opened (kit/db/reach.ts). */
export function isDatabaseUnavailable(err: unknown): err is AppError {
  return err instanceof AppError && err.code === 'storage.unavailable';
}

/** What `serveUntilOpen` needs. */
export interface UntilOpenOptions {
  service: string;
  broker: Omit<BrokerTarget, 'name' | 'inboxPrefix'>;
  log: Logger;
  /** The delays between attempts. */
  retry: { initialMs: number; maxMs: number };
  /** Starts the service for real (opening its database first). */
  start: () => Promise<RunningService>;
  /** An attempt failed for another reason than the database: the host exits with it. */
  onFatal: (err: unknown) => void;
}

/**
 * Serves `first`'s reason until `start` succeeds; `stop` stops whichever runs.
 *
 * @example
 * const svc = await start().catch((err) => isDatabaseUnavailable(err) ? serveUntilOpen(err, { ...o, start }) : Promise.reject(err));
 */
export async function serveUntilOpen(first: AppError, o: UntilOpenOptions): Promise<{ stop(): Promise<void> }> {
  const { service, log } = o;
  const began = Date.now();
  let reason = first.message;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: RunningService | undefined;
  let inflight: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  log.error('cannot open the database: this service only says why until it can', { reason });

  const nc = await connectBroker({ ...o.broker, name: `hearth-${service}`, inboxPrefix: kitSubjects.inbox(service) });
  // Callers get the short form; the reason (with the URL) is for the owner, in /readyz and the log.
  const refusal = new AppError('unavailable', 'storage.unavailable', `The ${service} service cannot open its database; the owner must check its configuration (/readyz says why)`, { service });
  const refuse = (msg: Msg) => msg.reply && msg.respond(errorReply(refusal));
  const health = (msg: Msg) =>
    msg.reply && msg.respond(okReply({ service, status: 'degraded', code: 'storage.unavailable', reason, pid: process.pid, uptimeMs: Date.now() - began, head: 0, published: 0, consumers: {}, info: {} }));
  const subs = [
    nc.subscribe(`svc.${service}.>`, { queue: service, callback: (_e, m) => refuse(m) }),
    nc.subscribe(kitSubjects.logRead(service), { queue: service, callback: (_e, m) => refuse(m) }),
    nc.subscribe(kitSubjects.health(service), { queue: service, callback: (_e, m) => health(m) }),
  ];
  const standDown = async () => {
    for (const s of subs) s.unsubscribe();
    if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
  };

  const schedule = () => {
    timer = setTimeout(() => (inflight = tryAgain()), backoffCeiling(o.retry, attempt++));
  };
  const tryAgain = async () => {
    try {
      // The stand-in keeps answering while the service starts: both are in the same queue
      // groups for that moment, which costs a caller at most one 503.
      const svc = await o.start();
      if (stopping) return void (await svc.stop());
      running = svc;
      await standDown();
      log.info('the database opens now; the service started', { after_ms: Date.now() - began, attempts: attempt });
    } catch (err) {
      if (stopping) return;
      if (!isDatabaseUnavailable(err)) return o.onFatal(err);
      if (err.message !== reason) log.error('still cannot open the database', { reason: err.message });
      else log.debug('still cannot open the database', { attempts: attempt });
      reason = err.message;
      schedule();
    }
  };
  schedule();

  return {
    stop: () =>
      (stopping ??= (async () => {
        clearTimeout(timer);
        await inflight; // an attempt under way stops what it started (it sees `stopping`)
        if (running) return running.stop();
        await standDown();
        log.info('stopped');
      })()),
  };
}
