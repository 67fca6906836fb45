/**
 * How far each replica is behind, and whether it is failing, from two honest sources:
 *   - what Litestream has read from the database: its shadow WAL, in the database's meta
 *     folder `.<name>.db-litestream/` (v0.3.13 layout: `generation` names the current
 *     generation, `generations/<g>/wal/<index>.wal` hold the frames copied so far);
 *   - what it has shipped: its log (`wal segment written`, position `<g>/<index>:<offset>`
 *     and `sz` bytes, so the replica holds up to `<index>:<offset + sz>`), and its errors.
 * A replica is caught up when it holds the shadow WAL's last frame. Litestream's Prometheus
 * gauges are not used for this: they carry no generation, and `litestream_shadow_wal_size`
 * sums every WAL file of the generation, so they cannot say whether the replica holds it all.
 *
 * Lag: for how long the replica has lacked something Litestream had read, as the supervisor
 * saw it at each look (`supervisor.health_interval_ms`); 0 when caught up. New writes reach
 * the shadow WAL within Litestream's monitor interval (at most 1 s) of their commit.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReplicationReadiness } from '../../kit/index.ts';

/** A position in Litestream's WAL stream. */
export interface WalPosition {
  generation: string;
  index: number;
  offset: number;
}

/** One database being replicated. */
export interface WatchedDb {
  service: string;
  path: string;
  /** Its replica, for people (`/mnt/nas/hearth/chat`). */
  replica: string;
}

/** A record of Litestream's JSON log. */
export interface LitestreamRecord {
  level?: string;
  msg?: string;
  db?: string;
  replica?: string;
  position?: string;
  sz?: number;
  error?: string;
  time?: string;
}

interface DbState {
  db: WatchedDb;
  shipped?: WalPosition;
  shippedAt?: number;
  errors: number;
  error?: { message: string; at: number };
  behindSince?: number;
  /** The shadow position first seen under the running Litestream (nothing shipped yet in it). */
  firstShadow?: string;
  seen: boolean;
}

/** Where the shadow WAL ends for the database at `path`, or undefined while Litestream has none. */
export function shadowPosition(path: string): WalPosition | undefined {
  const meta = join(dirname(path), `.${basename(path)}-litestream`);
  try {
    const generation = readFileSync(join(meta, 'generation'), 'utf8').trim();
    if (!generation) return undefined;
    const dir = join(meta, 'generations', generation, 'wal');
    let index = -1;
    for (const f of readdirSync(dir)) {
      const m = /^([0-9a-f]{8})\.wal$/.exec(f);
      if (m) index = Math.max(index, parseInt(m[1]!, 16));
    }
    if (index < 0) return undefined;
    const offset = statSync(join(dir, `${index.toString(16).padStart(8, '0')}.wal`)).size;
    return { generation, index, offset };
  } catch {
    return undefined; // not started on this database yet, or a generation being replaced right now
  }
}

/** `<g>/<index hex>:<offset>` → a position. */
export function parsePosition(s: string | undefined): WalPosition | undefined {
  const m = /^([^/]+)\/([0-9a-f]{8}):(\d+)$/.exec(s ?? '');
  return m ? { generation: m[1]!, index: parseInt(m[2]!, 16), offset: Number(m[3]) } : undefined;
}

/** True when `shipped` holds everything up to `shadow`. */
export function holds(shipped: WalPosition | undefined, shadow: WalPosition): boolean {
  if (!shipped || shipped.generation !== shadow.generation) return false;
  return shipped.index > shadow.index || (shipped.index === shadow.index && shipped.offset >= shadow.offset);
}

/**
 * The replication state of every database.
 *
 * @example
 * const health = new ReplicaHealth(dbs, { url, syncIntervalMs: 1000 });
 * health.record(JSON.parse(line)); // each line Litestream logs
 * health.look();                   // every health interval
 * health.state({ running: true, pid, restarts: 0 });
 */
export class ReplicaHealth {
  readonly #dbs = new Map<string, DbState>();
  readonly #url: string;
  readonly #lagLimitMs: number;
  readonly #now: () => number;
  #startedAt = 0;

  constructor(dbs: readonly WatchedDb[], o: { url: string; syncIntervalMs: number; now?: () => number }) {
    for (const db of dbs) this.#dbs.set(db.path, { db, errors: 0, seen: false });
    this.#url = o.url;
    // Normal shipping trails by up to a sync interval plus Litestream's monitor interval (1 s).
    this.#lagLimitMs = 2 * o.syncIntervalMs + 3000;
    this.#now = o.now ?? Date.now;
  }

  /** A new Litestream process: what it has shipped is unknown until it says. */
  started(): void {
    this.#startedAt = this.#now();
    for (const s of this.#dbs.values()) s.firstShadow = undefined;
  }

  /** Takes in one record of Litestream's log. */
  record(r: LitestreamRecord): void {
    const s = r.db ? this.#dbs.get(r.db) : undefined;
    if (!s) return;
    const at = r.time ? Date.parse(r.time) || this.#now() : this.#now();
    if (r.level === 'ERROR') {
      s.errors++;
      s.error = { message: `${r.msg ?? 'error'}: ${r.error ?? ''}`.replace(/: $/, ''), at };
    } else if (r.msg === 'wal segment written') {
      const p = parsePosition(r.position);
      if (p) s.shipped = { ...p, offset: p.offset + (r.sz ?? 0) };
      s.shippedAt = at;
    } else if (r.msg === 'snapshot written') {
      s.shippedAt = at;
    }
  }

  /** Compares each database's shadow WAL with what has been shipped. */
  look(): void {
    const now = this.#now();
    for (const s of this.#dbs.values()) {
      const shadow = shadowPosition(s.db.path);
      if (!shadow) continue;
      s.seen = true;
      const key = `${shadow.generation}/${shadow.index}:${shadow.offset}`;
      s.firstShadow ??= key;
      // Nothing logged as shipped yet, and nothing new since Litestream started: it found the replica up to date.
      const caughtUp = holds(s.shipped, shadow) || (key === s.firstShadow && !s.shipped);
      if (caughtUp) s.behindSince = undefined;
      else s.behindSince ??= now;
    }
  }

  /** The state for /readyz and /metrics. */
  state(proc: { running: boolean; pid: number; restarts: number }): ReplicationReadiness {
    const now = this.#now();
    const databases: ReplicationReadiness['databases'] = {};
    for (const s of this.#dbs.values()) {
      const lagMs = s.behindSince === undefined ? 0 : now - s.behindSince;
      const failing = s.error && (s.shippedAt === undefined || s.error.at > s.shippedAt);
      const status = !proc.running ? 'failing' : failing ? 'failing' : !s.seen ? 'starting' : lagMs > this.#lagLimitMs ? 'lagging' : 'ok';
      const error = !proc.running ? { message: 'Litestream is not running (the supervisor restarts it)', at: now } : failing ? s.error : undefined;
      databases[s.db.service] = {
        status,
        lagSeconds: Math.round(lagMs / 100) / 10,
        replica: s.db.replica,
        errors: s.errors,
        ...(s.shippedAt !== undefined ? { shippedAt: new Date(s.shippedAt).toISOString() } : {}),
        ...(error ? { error: error.message, errorAt: new Date(error.at).toISOString() } : {}),
      };
    }
    const bad = Object.values(databases).some((d) => d.status === 'failing' || d.status === 'lagging');
    return { status: bad ? 'degraded' : 'ok', url: this.#url, litestream: proc, databases };
  }

  /** When the running Litestream started (0: never). */
  get startedAt(): number {
    return this.#startedAt;
  }
}
