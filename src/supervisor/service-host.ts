/**
 * `hearth service <name>`: runs one service in this process. The supervisor starts its
 * children this way; on another machine it runs one service alone against a NATS server
 * (`--broker nats://host:4222` and credentials in configuration). Stops cleanly on
 * SIGINT/SIGTERM, and on its own within a moment of the supervisor that started it dying
 * (its stdin, a pipe from the supervisor, reaches end-of-file).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HearthConfig } from '../config/index.ts';
import { configOrExit, fail } from './command-line.ts';
import { restrictUmask } from './data-dir.ts';
import { isDatabaseUnavailable, serveUntilOpen } from './db-unavailable.ts';
import type { NatsConnection } from 'nats';
import { createLogger, runService, type DbOptions, type Logger, type RunOptions, type ServiceDefinition } from '../kit/index.ts';
import { brokerTls } from './wiring.ts';

/** Loads a built-in service's definition by name. */
export type ServiceLoaders = Readonly<Record<string, () => Promise<{ default: ServiceDefinition }>>>;

/** The database options of `service` from configuration. */
export function dbOptions(config: HearthConfig, service: string): DbOptions {
  const db = config.services[service]?.db;
  return {
    path: join(config.data, `${service}.db`),
    ...(db?.url ? { url: db.url } : {}),
    ...(db?.sync_url ? { syncUrl: db.sync_url } : {}),
    ...(db?.auth_token ? { authToken: db.auth_token } : {}),
    ...(db?.sync_interval ? { syncIntervalSec: db.sync_interval } : {}),
  };
}

/** Finds a service's definition: built in, or the `entry` module configuration names. */
export async function loadDefinition(config: HearthConfig, name: string, builtins: ServiceLoaders): Promise<ServiceDefinition> {
  const entry = config.services[name]?.entry;
  if (entry) {
    const file = isAbsolute(entry) ? entry : resolve(entry);
    const mod = (await import(pathToFileURL(file).href)) as { default?: ServiceDefinition };
    if (!mod.default?.name || !mod.default.setup) throw new Error(`${entry} does not export a service definition as default`);
    return mod.default;
  }
  const load = builtins[name];
  if (!load) throw new Error(`unknown service "${name}"; this build has: ${Object.keys(builtins).join(', ') || 'none'}`);
  return (await load()).default;
}

/** A service started by `hostService`: what stops it, and its broker connection once it runs for real. */
export interface HostedService {
  stop(): Promise<void>;
  /** Absent while a database that cannot be opened is only reported (db-unavailable.ts). */
  nc?: NatsConnection;
}

/**
 * Starts `def`, configured as service `name`, in this process: its database (`dbOptions`), `broker` with its
 * credential, the kit's settings. A database that cannot be opened is not a crash to restart:
 * the service says why (in /readyz and the banner) and tries again itself (db-unavailable.ts);
 * should a later attempt fail for another reason, `onFatal` hears of it. Used by
 * `hearth service` and by one-process mode (in-process.ts).
 */
export async function hostService(
  config: HearthConfig,
  name: string,
  def: ServiceDefinition,
  broker: RunOptions['broker'],
  log: Logger,
  onFatal: (err: unknown) => void,
): Promise<HostedService> {
  const start = () => runService(def, {
    broker,
    db: dbOptions(config, name),
    log: { level: config.log.level, format: config.log.format },
    requestTimeoutMs: config.kit.request_timeout_ms,
    maxRequestBytes: config.kit.max_request_bytes,
    relayBatch: config.kit.relay_batch,
    catchupMs: config.kit.catchup_interval_ms,
    settings: config,
  });
  return start().catch((err: unknown) => {
    if (!isDatabaseUnavailable(err)) throw err;
    const retry = { initialMs: config.supervisor.restart_initial_ms, maxMs: config.supervisor.restart_max_ms };
    return serveUntilOpen(err, { service: name, broker, log, retry, start, onFatal });
  });
}

/** How long after its stdin closes a child waits for the signal of a supervisor stopping it. */
const SIGNAL_GRACE_MS = 150;

/** Runs `hearth service <name> [flags]` until stopped; resolves with the exit code. */
export async function runServiceHost(argv: string[], builtins: ServiceLoaders): Promise<number> {
  const loaded = configOrExit(argv);
  if (typeof loaded === 'number') return loaded;
  const { config, rest } = loaded;
  restrictUmask(); // its database and anything else it writes are private (the supervisor's children inherit it anyway)
  const name = rest[0];
  if (!name) return fail('usage: hearth service <name> [--config FILE] [--broker URL] [--data DIR]');
  const log = createLogger({ service: name, level: config.log.level, format: config.log.format });
  let stopping = false;
  if (process.env.HEARTH_SUPERVISED) {
    // Watched from the first moment (a supervisor may die while we are still starting), and
    // we stop at once: the docs promise a second, and a restarted Hearth may be waiting for
    // our ports. Nothing is lost: every commit is already on disk (SQLite, synchronous=FULL)
    // and the outbox relay publishes at the next start what this process had not yet; with
    // the embedded broker gone, a graceful stop could publish nothing anyway.
    onSupervisorGone(() => {
      // Deno's child_process closes a child's stdin just before it signals it: a SIGTERM
      // that follows within the grace is a supervisor stopping us, not one that died.
      setTimeout(() => {
        if (stopping) return;
        log.warn('the supervisor is gone; exiting');
        // Not process.exit(): tearing the runtime down (worker threads, native addons) took
        // 0.8 s on a loaded machine, and there is nothing in it the kernel does not clean up.
        process.kill(process.pid, 'SIGKILL');
      }, SIGNAL_GRACE_MS);
    });
  }
  let svc: { stop(): Promise<void> };
  let fatal: (code: number) => void = () => {};
  const failed = new Promise<number>((r) => (fatal = r));
  try {
    const def = await loadDefinition(config, name, builtins);
    const broker = {
      url: config.broker.url || `nats://${config.broker.host}:${config.broker.port}`,
      user: config.broker.user,
      password: config.broker.password,
      token: config.broker.token,
      tls: brokerTls(config),
    };
    svc = await hostService(config, name, def, broker, log, (e) => (log.error('could not start', { err: e }), fatal(1)));
  } catch (err) {
    log.error('could not start', { err });
    return 1;
  }
  return new Promise((done) => {
    const stop = (why: string) => {
      stopping = true;
      log.info('stopping', { why });
      svc.stop().then(
        () => done(0),
        (err) => {
          log.error('stop failed', { err });
          done(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    void failed.then(done);
  });
}

/**
 * Calls `gone` once stdin — the pipe from the supervisor, never written to — reaches its
 * end: the kernel closes it when the supervisor dies, even by SIGKILL. No polling.
 */
function onSupervisorGone(gone: () => void): void {
  let over = false;
  const once = () => {
    if (over) return;
    over = true;
    gone();
  };
  process.stdin.on('end', once);
  process.stdin.on('close', once);
  process.stdin.on('error', once);
  process.stdin.resume();
}
