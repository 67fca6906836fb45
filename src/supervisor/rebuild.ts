/**
 * `hearth rebuild <service>`: rebuilds a service's projections from scratch while Hearth is
 * stopped (it holds the data directory's lock meanwhile, so none starts). Projections of the service's own events are emptied and refilled from its
 * event log in one transaction (so a failed rebuild leaves the old projection), with a
 * progress line. Consumers of other services' events are emptied and their checkpoints
 * removed: they refill from the producers' logs when Hearth next starts (the normal
 * catch-up, which logs its progress).
 */
import type { HearthConfig } from '../config/index.ts';
import { consumerSpec, EventLog, inlineProjection, KIT_MIGRATIONS, migrate, openDb, sagaHandle, type ConsumerSpec, type ConsumeSpec, type InlineProjection, type ProjectionSpec, type ServiceApi } from '../kit/index.ts';
import { configOrExit, fail } from './command-line.ts';
import { restrictUmask } from './data-dir.ts';
import { LockError, takeLock } from './lock.ts';
import { dbOptions, loadDefinition, type ServiceLoaders } from './service-host.ts';

const PAGE = 1000;

/** Runs the rebuild; resolves with the exit code. */
export async function runRebuild(argv: string[], builtins: ServiceLoaders, out = process.stderr): Promise<number> {
  const loaded = configOrExit(argv);
  if (typeof loaded === 'number') return loaded;
  const { config, rest } = loaded;
  const name = rest[0];
  if (!name) return fail('usage: hearth rebuild <service> [--config FILE] [--data DIR]');
  restrictUmask();
  // Held while we rebuild, so that no Hearth starts on the databases meanwhile.
  let lock;
  try {
    lock = await takeLock(config.data);
  } catch (err) {
    if (err instanceof LockError && err.pid) return fail(`Hearth is running on ${config.data} (pid ${err.pid}); stop it before rebuilding`);
    return fail(`cannot lock ${config.data}: ${(err as Error).message}`);
  }
  try {
    return await rebuild(config, name, builtins, out);
  } finally {
    lock.release();
  }
}

/** Replays the events of service `name` into its projections (the caller holds the lock). */
async function rebuild(config: HearthConfig, name: string, builtins: ServiceLoaders, out: NodeJS.WritableStream): Promise<number> {
  const def = await loadDefinition(config, name, builtins);
  const db = await openDb(dbOptions(config, name));
  try {
    await migrate(db, 'kit', KIT_MIGRATIONS);
    await migrate(db, def.name, def.migrations);
    const events = new EventLog(db, def.name);
    const consumers: [string, ConsumerSpec][] = [];
    const api: ServiceApi = {
      name: def.name,
      settings: config,
      db,
      events,
      log: silentLog,
      handle: () => {},
      now: Date.now,
      project: (p: ProjectionSpec) => events.project(inlineProjection(p, events)),
      consume: (source: string, spec: ConsumeSpec) => void consumers.push([source, consumerSpec(spec, events, silentLog)]),
      // A rebuild runs no requests and no live traffic: these are never called, or do nothing.
      request: () => Promise.reject(new Error('no requests during a rebuild')),
      write: () => Promise.reject(new Error('no writes but the rebuild\'s own during a rebuild')),
      subscribe: () => {},
      publish: () => {},
      listen: () => {},
      report: () => {},
      saga: (def) => sagaHandle(def, () => {}, silentLog), // nothing drives sagas during a rebuild
      sagaStep: () => {},
      onStart: () => {},
      onStop: () => {},
    };
    await def.setup(api);

    const head = await events.head();
    const tty = Boolean((out as { isTTY?: boolean }).isTTY);
    await db.write(async (tx) => {
      for (const p of events.projections) await p.reset(tx);
      let done = 0;
      for (let after = 0; after < head; ) {
        const page = await events.read(after, PAGE, tx);
        if (!page.length) break;
        for (const e of page) for (const p of events.projections) await p.apply(e, tx);
        after = page[page.length - 1]!.seq;
        done += page.length;
        out.write(`${tty ? '\r' : ''}  ${def.name}: ${done}/${head} events replayed (${Math.floor((done / head) * 100)}%)${tty ? '' : '\n'}`);
      }
      for (const [, spec] of consumers) await spec.reset?.(tx);
      await tx.execute('DELETE FROM kit_checkpoints');
    });
    if (tty && head) out.write('\n');
    out.write(`  ${def.name}: ${events.projections.length} projection(s) rebuilt from ${head} events\n`);
    for (const [source] of consumers) out.write(`  ${def.name}: events from ${source} will be read again from its log at the next start\n`);
    return 0;
  } finally {
    db.close();
  }
}

const silentLog = { level: 'error', debug() {}, info() {}, warn() {}, error() {}, child: () => silentLog } as ServiceApi['log'];
