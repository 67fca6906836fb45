/**
 * The standby's copy: every service database restored from the replica into the data
 * directory, and brought up to date again every `replication.standby_interval_ms`.
 *
 * Litestream v0.3.13 has no follow mode: `litestream restore` always rebuilds a database
 * from the latest snapshot plus the WAL after it, into a new file. So a refresh restores
 * into a staging directory beside the data and installs the result with `installRestore`
 * (checks, `stampRestore`, an atomic rename per file). To spare a small machine that work
 * when nothing changed, a refresh first reads the replica's position per service — for a
 * file replica the names of its snapshot and WAL segment files (Litestream's layout:
 * `<service>/generations/<id>/{snapshots,wal}/…`), which costs one directory listing —
 * and restores only the services whose position moved. An S3 replica has no such cheap
 * look, so every refresh restores every service (choose a longer interval there).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { HearthConfig } from '../../config/index.ts';
import { installRestore } from '../backup/index.ts';
import type { ServiceLoaders } from '../service-host.ts';
import { replicaTarget, restoreReplica } from '../replication/index.ts';
import type { StandbyStatus } from './standby-http.ts';

/** What one refresh did. */
export interface Refreshed {
  /** The services restored this time (none when the replica had not moved). */
  restored: string[];
  /** Services with nothing in the replica yet. */
  missing: string[];
}

/** Keeps the copy in `config.data` up to date with the replica at `url`. */
export class Follower {
  readonly #o: { config: HearthConfig; builtins: ServiceLoaders; url: string; services: readonly string[] };
  /** The replica position each installed copy was restored from. */
  readonly #installed = new Map<string, string>();
  #refreshedAt: number | undefined;
  #replicaAt: number | undefined;
  #refreshMs: number | undefined;
  #error: string | undefined;
  #promoting = false;

  constructor(o: { config: HearthConfig; builtins: ServiceLoaders; url: string; services: readonly string[] }) {
    this.#o = o;
  }

  /** Whether the copy holds any database restored from the replica (else promoting it would start an empty Hearth). */
  get hasCopy(): boolean {
    return this.#installed.size > 0;
  }

  /** When the copy was last known to match the replica (ms since the epoch). */
  get refreshedAt(): number | undefined {
    return this.#refreshedAt;
  }

  /** What `/readyz` shows. */
  status(): StandbyStatus {
    const now = Date.now();
    return {
      replica: this.#o.url,
      state: this.#promoting ? 'promoting' : 'following',
      ...(this.#refreshedAt === undefined ? {} : { refreshedAt: new Date(this.#refreshedAt).toISOString(), behindMs: now - this.#refreshedAt, refreshMs: this.#refreshMs! }),
      ...(this.#replicaAt === undefined ? {} : { replicaAt: new Date(this.#replicaAt).toISOString() }),
      ...(this.#error ? { error: this.#error } : {}),
    };
  }

  /** Marks the copy as being promoted, or not after all (what `/readyz` says until the primary takes over). */
  promoting(on: boolean): void {
    this.#promoting = on;
  }

  /**
   * Brings the copy up to date: restores each service whose replica position moved (every
   * one when `all`), installs them, and records the time. Throws (keeping the copy as it
   * was) when the replica cannot be read or a restored file fails its checks.
   */
  async refresh(all = false): Promise<Refreshed> {
    const { config, builtins, url, services } = this.#o;
    const started = Date.now();
    try {
      const positions = new Map(services.map((s) => [s, replicaPosition(url, s)]));
      const due = services.filter((s) => all || positions.get(s)?.key === undefined || positions.get(s)!.key !== this.#installed.get(s));
      const out: Refreshed = { restored: [], missing: [] };
      if (due.length) {
        const staging = mkdtempSync(join(config.data, '.standby-'));
        try {
          const restored = await restoreReplica({ config, url, services: due, into: staging });
          out.missing = restored.filter((r) => !r.found).map((r) => r.service);
          out.restored = restored.filter((r) => r.found).map((r) => r.service);
          if (out.restored.length) await installRestore({ config, builtins, staging, force: true, lockHeld: true, replaced: 'staged', out: quiet() });
        } finally {
          rmSync(staging, { recursive: true, force: true });
        }
        for (const s of out.restored) this.#installed.set(s, positions.get(s)?.key ?? '');
      }
      const newest = Math.max(...[...positions.values()].map((p) => p?.at ?? 0));
      if (newest > 0) this.#replicaAt = newest;
      this.#refreshedAt = started;
      this.#refreshMs = Date.now() - started;
      this.#error = undefined;
      return out;
    } catch (err) {
      this.#error = (err as Error).message;
      throw err;
    }
  }
}

/**
 * Where the replica of `service` stands: a key that changes whenever Litestream ships
 * anything (the names of its snapshot and WAL files) and the time of the newest one — for
 * a file replica; undefined for any other (then every refresh restores).
 */
function replicaPosition(url: string, service: string): { key: string; at: number } | undefined {
  const target = replicaTarget(url);
  if (target.kind !== 'file') return undefined;
  const root = join(target.dir, service, 'generations');
  const names: string[] = [];
  let at = 0;
  let generations: string[];
  try {
    generations = readdirSync(root).sort();
  } catch {
    return { key: '', at: 0 }; // nothing replicated yet (or not reachable: the restore will say which)
  }
  for (const g of generations) {
    for (const kind of ['snapshots', 'wal']) {
      const dir = join(root, g, kind);
      let files: string[];
      try {
        files = readdirSync(dir).sort();
      } catch {
        continue; // a generation being written or removed right now
      }
      names.push(`${g}/${kind}/${files.join(',')}`);
      const last = files.at(-1);
      if (last) {
        try {
          at = Math.max(at, statSync(join(dir, last)).mtimeMs);
        } catch {
          // removed by retention since the listing
        }
      }
    }
  }
  return { key: names.join(';'), at };
}

/** A stream that drops what `installRestore` prints on every refresh (the standby logs its own lines). */
function quiet(): NodeJS.WritableStream {
  return new Writable({ write: (_c, _e, cb) => cb() });
}
