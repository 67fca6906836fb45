/**
 * One-process mode (`supervisor.one_process`, `hearth serve --one-process`): every service
 * runs inside the supervisor's process, started the way `hearth service <name>` starts one
 * (service-host.ts `hostService`) — its own database, event log, and broker connection with
 * its own credential — so the broker, the services and the supervisor's health checks see
 * what they see in multi-process mode. Only the process boundary is gone.
 *
 * What stands in for a child exiting: a start that fails (but for a database that cannot
 * be opened, which the service reports and retries itself), a service that gives up on its
 * own (`onFatal`), or one whose broker connection closes without our stopping it (the kit
 * reconnects forever, so that is the broker refusing it). Such a service is stopped and
 * started again after the same delays as a child (children.ts: 250 ms doubling up to
 * `restart_max_ms`, starting over after `restart_reset_ms` up). What it cannot stand in
 * for: an uncaught exception, a runaway loop or a SIGKILL takes the whole process, and
 * with it every service; the OS service manager (systemd's `Restart=on-failure`) starts Hearth again.
 */
import type { HearthConfig } from '../config/index.ts';
import { createLogger, type Logger, type RunOptions } from '../kit/index.ts';
import { nextRestart, type RestartPolicy } from './children.ts';
import type { PlannedChild } from './plan.ts';
import { hostService, loadDefinition, type HostedService, type ServiceLoaders } from './service-host.ts';

/** One service to run in this process. */
export interface InProcessSpec {
  /** Instance name (`chat`, `chat#2`). */
  name: string;
  /** Starts it; `onFatal` is for a service that cannot go on after it started. */
  start: (onFatal: (err: unknown) => void) => Promise<HostedService>;
}

interface Slot {
  spec: InProcessSpec;
  svc?: HostedService;
  starting?: Promise<void>;
  startedAt: number;
  attempt: number;
  restarts: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Runs and watches services in this process, with `ProcessTable`'s restart policy and stop.
 *
 * @example
 * const table = new InProcessTable(log, policy);
 * table.start({ name: 'chat', start: (onFatal) => hostService(config, 'chat', def, broker, log, onFatal) });
 * await table.stopAll(10_000);
 */
export class InProcessTable {
  readonly #slots = new Map<string, Slot>();
  readonly #log: Logger;
  readonly #policy: RestartPolicy;
  #stopping = false;

  constructor(log: Logger, policy: RestartPolicy) {
    this.#log = log;
    this.#policy = policy;
  }

  /** Starts a service and keeps it running until `stopAll`. */
  start(spec: InProcessSpec): void {
    const slot: Slot = { spec, startedAt: 0, attempt: 0, restarts: 0 };
    this.#slots.set(spec.name, slot);
    this.#run(slot);
  }

  /** Restart count of each service, and this process's pid while it runs (0 while waiting to restart). */
  status(): Record<string, { pid: number; restarts: number }> {
    return Object.fromEntries([...this.#slots].map(([n, s]) => [n, { pid: s.svc ? process.pid : 0, restarts: s.restarts }]));
  }

  /**
   * Stops every service at once (each finishes its in-flight work and publishes what it
   * committed); one that has not stopped after `timeoutMs` is left to the process's exit.
   */
  async stopAll(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    for (const s of this.#slots.values()) clearTimeout(s.timer);
    const stops = [...this.#slots.values()].map(async (s) => {
      await s.starting; // a service still starting is stopped once started (#run sees `stopping`)
      await s.svc?.stop().catch((err: unknown) => this.#log.error('service stop failed', { child: s.spec.name, err }));
      s.svc = undefined;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
    if ((await Promise.race([Promise.all(stops), late])) === 'late') {
      const left = [...this.#slots.values()].filter((s) => s.svc).map((s) => s.spec.name);
      this.#log.warn('services did not stop in time; the process exits without them', { services: left, timeout_ms: timeoutMs });
    }
    clearTimeout(timer);
  }

  /** The second Ctrl+C: no more restarts; the process exits at once, taking the services with it. */
  killAll(): void {
    this.#stopping = true;
    for (const s of this.#slots.values()) clearTimeout(s.timer);
  }

  #run(slot: Slot): void {
    slot.startedAt = Date.now();
    let svc: HostedService | undefined;
    const onFatal = (err: unknown) => this.#failed(slot, svc, 'it gave up', err);
    slot.starting = (async () => {
      try {
        svc = await slot.spec.start(onFatal);
      } catch (err) {
        return this.#failed(slot, undefined, 'it could not start', err);
      }
      if (this.#stopping) return void (await svc.stop());
      slot.svc = svc;
      const started = svc;
      void started.nc?.closed().then((err) => this.#failed(slot, started, 'its broker connection closed', err));
    })();
  }

  /** `svc` (undefined: the start itself) failed: stop what is left of it, then start again after the delay. */
  #failed(slot: Slot, svc: HostedService | undefined, why: string, err: unknown): void {
    if (this.#stopping || (svc && slot.svc !== svc)) return; // stopped by us, or already restarted
    slot.svc = undefined;
    const delay = nextRestart(slot, this.#policy);
    this.#log.warn('service failed; restarting', { child: slot.spec.name, why, err, restart_in_ms: delay, restarts: slot.restarts });
    const stopped = svc?.stop().catch(() => undefined) ?? Promise.resolve();
    slot.timer = setTimeout(() => void stopped.then(() => !this.#stopping && this.#run(slot)), delay);
  }
}

/** What `startInProcess` needs: the configuration, the services' loaders, each one's broker login. */
export interface InProcessOptions {
  config: HearthConfig;
  loaders: ServiceLoaders;
  broker: (service: string) => RunOptions['broker'];
  log: Logger;
  policy: RestartPolicy;
}

/**
 * Starts every planned service in this process. A plug-in module that does not load is
 * a start that fails, retried with the delays, as a child that exits at once would be.
 */
export function startInProcess(children: readonly PlannedChild[], o: InProcessOptions): InProcessTable {
  const { config } = o;
  const table = new InProcessTable(o.log, o.policy);
  for (const child of children) {
    const log = createLogger({ service: child.service, level: config.log.level, format: config.log.format });
    const start = async (onFatal: (err: unknown) => void) =>
      hostService(config, child.service, await loadDefinition(config, child.service, o.loaders), o.broker(child.service), log, onFatal);
    table.start({ name: child.id, start });
  }
  return table;
}
