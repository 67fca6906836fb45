/**
 * Epochs: how a consumer tells that its producer's database was restored.
 *
 * Each service database is restored to its own instant, so after a restore a consumer's
 * checkpoint may be ahead of its producer's log, and the producer then hands out the same
 * seq numbers again for new events. Every database therefore keeps its log's epoch
 * history (`kit_epochs`): a new database begins epoch 1 at head 0, and every restore
 * (`stampRestore`) appends a new epoch whose base is the restored head. Within one epoch
 * the log is one line of events; the events at or below an epoch's base are the ones the
 * previous epoch held there.
 *
 * A producer sends its whole history (one row per restore: short) with every log page, and
 * stamps its current epoch on every event it publishes. A consumer stores, with its
 * checkpoint, the history it last read. The two histories agree up to their first
 * difference; the logs agree on every seq at or below the lower of the two bases found
 * there, so the consumer moves its checkpoint back to at most that (`reconcile`) and reads
 * on. With no difference, a checkpoint ahead of the head (a file copied back by hand,
 * without a stamp) is moved back to the head.
 */
import { migrate, type Db, type Tx } from '../db/index.ts';
import type { EpochInfo } from '../envelope.ts';
import { uuidv7 } from '../ids.ts';
import { KIT_MIGRATIONS } from './schema.ts';

/** A database's epoch history, oldest first (never empty once the kit is migrated). */
export async function readEpochs(db: Db | Tx): Promise<EpochInfo[]> {
  const rows = await db.query('SELECT id, base FROM kit_epochs ORDER BY position');
  return rows.map((r) => ({ id: String(r.id), base: Number(r.base) }));
}

/**
 * Marks a database that was just restored: its log begins a new epoch at its current head,
 * so consumers in other databases reconcile their checkpoints with it. Every restore (an
 * archive, a replica, a promoted standby) calls it on every restored database before
 * Hearth starts on it; the database must not be in use. Runs the kit's migrations first
 * (a database from an older Hearth may not have the epoch table yet).
 *
 * @example
 * const db = await openDb({ path: 'staging/chat.db' });
 * const { epoch, head } = await stampRestore(db); // then move the file into place
 */
export async function stampRestore(db: Db): Promise<{ epoch: string; head: number }> {
  await migrate(db, 'kit', KIT_MIGRATIONS);
  const epoch = uuidv7();
  const head = await db.write(async (tx) => {
    const rs = await tx.execute('SELECT max((SELECT coalesce(max(seq), 0) FROM kit_events), (SELECT seq FROM kit_floor WHERE id = 1)) AS head');
    const head = Number(rs.rows[0]!.head);
    await tx.execute('INSERT INTO kit_epochs (id, base, began_at) VALUES (?, ?, ?)', [epoch, head, new Date().toISOString()]);
    return head;
  });
  return { epoch, head };
}

/** What a consumer's checkpoint becomes after reading its producer's history. */
export interface Reconciled {
  /** The checkpoint to read on from (never above the one given). */
  checkpoint: number;
  /** Why it moved, in words for the log (undefined: it did not move). */
  why?: string;
}

/**
 * Reconciles a checkpoint with the producer's history and head.
 * `known` is the history the consumer stored (undefined: a checkpoint stored before epochs
 * existed, when no restore had ever been stamped: taken as the producer's first epoch).
 *
 * @example
 * reconcile(150, [{ id: 'a', base: 0 }], [{ id: 'a', base: 0 }, { id: 'b', base: 100 }], 120)
 * // → { checkpoint: 100, why: 'the producer was restored …' }
 */
export function reconcile(checkpoint: number, known: readonly EpochInfo[] | undefined, theirs: readonly EpochInfo[], head: number): Reconciled {
  const mine = known ?? theirs.slice(0, 1);
  let d = 0;
  while (d < mine.length && d < theirs.length && mine[d]!.id === theirs[d]!.id) d++;
  if (d < mine.length || d < theirs.length) {
    // The logs agree on every seq up to the first base where the histories part.
    const agreed = Math.min(mine[d]?.base ?? Infinity, theirs[d]?.base ?? Infinity);
    if (checkpoint <= agreed) return { checkpoint };
    const why = d === 0
      ? 'the producer has a different database (none of its epochs is the one this checkpoint was read in)'
      : d < mine.length && d < theirs.length
        ? `the producer's database was restored to before an epoch this checkpoint was read in; its log is the same up to seq ${agreed}`
        : `the producer's database was restored (a new epoch began at seq ${agreed})`;
    return { checkpoint: agreed, why };
  }
  if (checkpoint > head) return { checkpoint: head, why: `the checkpoint is ahead of the producer's head (${head}) with no restore recorded: was its database file copied back by hand?` };
  return { checkpoint };
}

/** The text stored for a history in `kit_checkpoints.epochs`. */
export function epochsText(epochs: readonly EpochInfo[]): string {
  return JSON.stringify(epochs.map((e) => [e.id, e.base]));
}

/** The history stored in `kit_checkpoints.epochs`: undefined when none is (stored before epochs existed), empty when unreadable. */
export function parseEpochs(text: unknown): EpochInfo[] | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const rows = JSON.parse(text) as unknown;
    if (!Array.isArray(rows)) return [];
    return rows.map((r) => {
      if (!Array.isArray(r) || typeof r[0] !== 'string' || typeof r[1] !== 'number') throw new Error('not an epoch');
      return { id: r[0], base: r[1] };
    });
  } catch {
    return []; // unreadable: knows no epoch, so the checkpoint goes back to where the producer's log began
  }
}
