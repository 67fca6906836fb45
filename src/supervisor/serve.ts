/**
 * `hearth serve` (what `npm start` runs). The boot sequence, in order:
 *   1. load and check the configuration (an error stops here, before any data is touched);
 *   2. make the data directory private to this user (umask 077; fix or refuse an open one);
 *   3. take the data directory's lock (another Hearth on it is refused, naming its pid);
 *   4. check that every address to listen on is free (each one that is not: one line, exit 2);
 *   5. start the embedded broker with a fresh credential per service (or use `broker.url`);
 *   6. connect the supervisor to the broker and open the HTTP address (/readyz, /healthz);
 *   7. start every service as a child process, restarting any that crash — or, in one-process
 *      mode (`supervisor.one_process`), inside this process (in-process.ts) — and Litestream
 *      when `replication.url` is set (found at step 1: a missing one stops Hearth there);
 *   8. wait until every service answers its health request, then print the banner;
 *   9. start the backup schedule and answer the admin's backup requests (backup-schedule/).
 * SIGINT/SIGTERM stop it in reverse order: backups (a running one finishes, or its files are
 * removed), HTTP, services (each finishes its in-flight work and publishes what it
 * committed), Litestream (it ships their last writes), broker; exit 0.
 * A second signal kills everything at once.
 */
import type { NatsConnection } from 'nats';
import { startBroker, type Broker } from '../../embedded-broker/index.ts';
import { parseHostPort } from '../config/index.ts';
import { connectBroker, createLogger, okReply, readinessOp, selfCommand, type Logger } from '../kit/index.ts';
import { bindProblem, checkAddresses, plannedAddresses, type Address } from './addresses.ts';
import { startScheduledBackups, type ScheduledBackups } from './backup-schedule/index.ts';
import { banner } from './banner.ts';
import { ProcessTable } from './children.ts';
import { configOrExit, fail } from './command-line.ts';
import { CertificateError, loadCertificate } from '../kit/index.ts';
import { makeCredentials, type OwnerCredential } from './credentials.ts';
import { DataDirError, makePrivate, restrictUmask } from './data-dir.ts';
import { startHttp } from './http.ts';
import { LockError, takeLock, type DataLock } from './lock.ts';
import { planServices } from './plan.ts';
import { findLitestream, LitestreamMissing, ReplicationError, replicaTarget, startReplicator, type Replicator } from './replication/index.ts';
import { HealthWatch } from './readiness.ts';
import { startInProcess, type InProcessTable } from './in-process.ts';
import type { ServiceLoaders } from './service-host.ts';
import { brokerLogger, brokerTls, childEnv } from './wiring.ts';

/** What a promoted standby hands `runServe` (replication/standby.ts): its lock, and who to tell once Hearth is up. */
export interface Handover {
  /** The data directory's lock, already held: taken over rather than released and taken again. */
  lock?: DataLock;
  /** Called once, after the banner: the HTTP URL, and which services are not ready (none when ready). */
  onStarted?: (o: { url: string; ready: boolean; notReady: Record<string, string> }) => void;
}

/**
 * Runs Hearth until SIGINT/SIGTERM; resolves with the exit code. `loaders`: the services this
 * build has (loaded here only in one-process mode; otherwise each child loads its own).
 */
export async function runServe(argv: string[], loaders: ServiceLoaders, handover: Handover = {}): Promise<number> {
  const builtins = Object.keys(loaders);
  const loaded = configOrExit(argv);
  if (typeof loaded === 'number') return loaded;
  const { config, configFile } = loaded;
  // Where a start goes, in ms since the process began (performance.now()'s origin), logged
  // once everything is healthy: the owner's and the start benchmark's (tests/bench/start.bench.ts) view.
  const phases: Record<string, number> = {};
  const mark = (phase: string) => void (phases[phase] = Math.round(performance.now()));
  mark('configured');
  const log = createLogger({ service: 'supervisor', level: config.log.level, format: config.log.format });
  const { services, children } = planServices(config, builtins);
  let litestream: string | undefined;
  if (config.replication.url) {
    try {
      replicaTarget(config.replication.url);
      litestream = findLitestream(config);
    } catch (err) {
      if (err instanceof LitestreamMissing || err instanceof ReplicationError) return fail(err.message);
      throw err;
    }
  }

  // HTTPS's files are the gateway's to serve, but a bad one is the owner's to fix before anything starts.
  if (config.https.address && !config.https.domain) {
    try {
      loadCertificate(config.https.cert_file, config.https.key_file);
    } catch (err) {
      if (err instanceof CertificateError) return fail(`${err.message} (https.cert_file, https.key_file)`);
      throw err;
    }
  }

  restrictUmask();
  let lock: DataLock;
  try {
    const fixed = makePrivate(config.data);
    if (fixed.length) log.warn('the data directory was readable by other users; made it private', { data: config.data, fixed: fixed.slice(0, 20), count: fixed.length });
    lock = handover.lock ?? await takeLock(config.data, (m) => log.warn(m, { data: config.data }));
  } catch (err) {
    handover.lock?.release();
    const known = err instanceof DataDirError || err instanceof LockError;
    return fail(known ? err.message : `cannot use the data directory ${config.data}: ${(err as Error).message}`);
  }
  const unlock = () => lock.release();
  mark('locked');
  const busy = await checkAddresses(plannedAddresses(config));
  if (busy.length) {
    unlock();
    for (const line of busy) fail(line);
    return 2;
  }

  let broker: Broker | undefined;
  let brokerUrl = config.broker.url;
  const owner: OwnerCredential | undefined = config.broker.user
    ? { user: config.broker.user, password: config.broker.password, role: config.broker.owner_role }
    : undefined;
  const creds = makeCredentials(services, config.broker.url ? undefined : owner);
  if (!config.broker.url) {
    const started = await listening(plannedAddresses(config), () => startBroker(
      {
        host: config.broker.host,
        port: config.broker.port,
        httpPort: config.broker.http_port,
        maxPayload: config.broker.max_payload,
        authorization: creds.authorization,
        ...(config.broker.websocket.enabled
          ? { websocket: { host: config.broker.websocket.host, port: config.broker.websocket.port, noTls: true, compression: true } }
          : {}),
        serverName: 'hearth',
      },
      brokerLogger(log),
    ));
    if (!started) {
      unlock();
      return 2;
    }
    broker = started;
    mark('broker');
    brokerUrl = broker.url;
  }
  const external = config.broker.url
    ? { user: config.broker.user, password: config.broker.password, token: config.broker.token, tls: brokerTls(config) }
    : undefined;
  // On an external broker a service connects as its own user when configuration names one
  // (`hearth nats-authorization`), else with the shared credential; on ours, with a fresh one.
  const credentialOf = (service: string) => {
    const own = config.services[service];
    if (external && own?.broker_user) return { user: own.broker_user, password: own.broker_password, tls: external.tls };
    return external ?? creds.services.get(service)!;
  };
  let nc: NatsConnection;
  try {
    nc = await connectBroker({
      url: brokerUrl,
      name: 'hearth-supervisor',
      inboxPrefix: '_INBOX.supervisor',
      ...(external ?? creds.supervisor),
    });
  } catch (err) {
    // An external broker that is down, refuses us, or whose TLS does not match ours.
    await broker?.close();
    unlock();
    return fail(`cannot connect to the broker at ${brokerUrl}: ${brokerError(err, /(^|,)\s*tls:/i.test(brokerUrl) || Object.values(external?.tls ?? {}).some(Boolean))}`);
  }

  mark('connected');
  const watch = new HealthWatch(nc, services, log, config.supervisor.health_interval_ms);
  let replicator: Replicator | undefined;
  const readiness = () => (replicator ? { ...watch.state, replication: replicator.state() } : watch.state);
  // Once the gateway exists it serves the HTTP address (and /readyz); until then, we do.
  const { host, port } = parseHostPort(config.http);
  const http = services.includes('gateway') ? undefined : await listening(plannedAddresses(config), () => startHttp(host, port, readiness));
  if (http === null) {
    await nc.close().catch(() => undefined);
    await broker?.close();
    unlock();
    return 2;
  }

  const policy = {
    initialMs: config.supervisor.restart_initial_ms,
    maxMs: config.supervisor.restart_max_ms,
    resetMs: config.supervisor.restart_reset_ms,
  };
  let table: ProcessTable | InProcessTable;
  if (config.supervisor.one_process) {
    table = startInProcess(children, { config, loaders, log, policy, broker: (service) => ({ url: brokerUrl, ...credentialOf(service) }) });
  } else {
    const processes = (table = new ProcessTable(log, policy));
    const command = [...selfCommand(), 'service'];
    for (const child of children) {
      const cred = credentialOf(child.service);
      processes.start({
        name: child.id,
        command: [...command, child.service, ...(configFile ? ['--config', configFile] : [])],
        env: childEnv(process.env, config, { brokerUrl, credential: cred, instance: child.id }),
      });
    }
  }
  if (litestream) replicator = startReplicator({ config, services, bin: litestream, log });
  mark('services_launched');
  watch.start();
  // The gateway's /readyz asks us: we are the one who knows every service that should run.
  nc.subscribe(readinessOp.subject, { callback: (_err, msg) => msg.respond(okReply(readiness())) });

  let backups: ScheduledBackups | undefined;
  let stopping = false;
  const stopped = onSignals(log, async () => {
    stopping = true;
    await backups?.stop(config.supervisor.shutdown_timeout_ms);
    watch.stop();
    if (http) {
      await new Promise((r) => http.server.close(r));
      http.server.closeAllConnections?.();
    }
    await table.stopAll(config.supervisor.shutdown_timeout_ms);
    await replicator?.stop(config.supervisor.shutdown_timeout_ms);
    await nc.close().catch(() => undefined); // already closed by the broker going away
    await broker?.close();
    unlock();
    log.info('stopped');
  }, () => {
    table.killAll();
    replicator?.kill();
    unlock();
  });

  await watch.whenReady(config.supervisor.ready_timeout_ms);
  mark('healthy');
  log.info('started', { mode: config.supervisor.one_process ? 'one-process' : 'multi-process', ms: phases.healthy, phases });
  if (!watch.state.ready) log.warn('some services are not healthy yet; /readyz says which', { services: watch.state.services });
  const url = http ? `http://${host}:${http.port}` : (watch.state.services.gateway?.info?.url ?? `http://${config.http}`);
  const firstRun = watch.state.services.users?.info?.accounts === '0';
  const notReady = Object.fromEntries(
    Object.entries(watch.state.services)
      .filter(([, s]) => s.status !== 'ok')
      .map(([name, s]) => [name, s.reason ?? s.status]),
  );
  const httpsUrl = watch.state.services.gateway?.info?.https_url;
  process.stdout.write(banner({ url, ...(httpsUrl ? { httpsUrl } : {}), firstRun, notReady, data: config.data, broker: brokerUrl, wsUrl: broker?.wsUrl, services }));
  if (!stopping) {
    backups = await startScheduledBackups({ config, ...(configFile ? { configFile } : {}), nc, log });
    if (stopping) await backups.stop(0); // a signal came while it started
    const accounts = watch.state.services.users?.info?.accounts;
    backups.catchUp(accounts !== undefined && accounts !== '0').catch((err: unknown) => log.error('could not catch up a missed backup', { err }));
  }
  handover.onStarted?.({ url, ready: watch.state.ready, notReady });
  return stopped;
}

/**
 * Runs `open` (which listens); should an address have been taken since `checkAddresses`,
 * prints the same one line as the check would have and resolves with null.
 */
async function listening<T>(addresses: Address[], open: () => Promise<T>): Promise<T | null> {
  try {
    return await open();
  } catch (err) {
    let e = err as (NodeJS.ErrnoException & { port?: number }) | undefined;
    while (e && !e.code) e = e.cause as typeof e;
    const a = addresses.find((x) => x.port === e?.port);
    fail(e && a ? bindProblem(a, e) : `could not listen: ${(err as Error).message}`);
    return null;
  }
}

/** Resolves with 0 after `stop` completes on SIGINT/SIGTERM; a second signal runs `force` and exits 1. */
function onSignals(log: Logger, stop: () => Promise<void>, force: () => void): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: string) => {
      if (stopping) {
        log.warn('second signal: stopping at once', { signal });
        force();
        process.exit(1);
      }
      stopping = true;
      log.info('stopping', { signal });
      stop().then(
        () => resolve(0),
        (err) => {
          log.error('stop failed', { err });
          resolve(1);
        },
      );
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/** What went wrong connecting, with the setting to look at when it is about TLS. */
function brokerError(err: unknown, tls: boolean): string {
  const e = err as Error & { code?: string; chainedError?: Error };
  const text = [e.message, e.chainedError?.message].filter(Boolean).join(': ').trim();
  // A broker that verifies clients ends the handshake of one without a certificate, and
  // the client sees only that its CONNECT went unanswered.
  if (/certificate|self[- ]signed|ssl|tls/i.test(`${text} ${e.code ?? ''}`) || (tls && e.code === 'TIMEOUT')) {
    return `${text} (TLS: check broker.tls.ca_file, cert_file and key_file against the broker's tls block)`;
  }
  return text;
}
