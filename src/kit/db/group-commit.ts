/**
 * Group commit, for many small concurrent writes (a handler asks for it with
 * `ctx.write(fn, { group: true })`; location's fixes do): phones post often and all at once,
 * and every transaction costs an fsync. Work submitted while a write is under way waits and
 * then runs, in arrival order, in the next transaction together with everything else that
 * arrived meanwhile — each job inside its own savepoint, so one failing job rolls back alone
 * and the others commit. A job's answer is given only after the commit.
 */
import type { Db, Tx } from './open.ts';

/** Most jobs in one transaction. */
const MAX_JOBS = 64;

interface Job {
  run(tx: Tx): Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Batches write jobs into shared transactions. */
export class GroupCommit {
  readonly #db: Db;
  readonly #queue: Job[] = [];
  #draining = false;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Runs `run` in a transaction shared with other jobs; resolves once it committed.
   *
   * @example
   * const reply = await commits.submit((tx) => tx.execute('INSERT INTO t (n) VALUES (?)', [n]));
   */
  submit<T>(run: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
      // Started on the next turn of the event loop, not now: the jobs submitted in this turn
      // (a batch of requests, or several requests in one socket read) share the first transaction.
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length) {
        const jobs = this.#queue.splice(0, MAX_JOBS);
        let outcomes: { ok: boolean; value: unknown }[];
        try {
          outcomes = await this.#db.write(async (tx) => {
            const out: { ok: boolean; value: unknown }[] = [];
            for (const job of jobs) {
              await tx.execute('SAVEPOINT job');
              try {
                out.push({ ok: true, value: await job.run(tx) });
                await tx.execute('RELEASE job');
              } catch (err) {
                await tx.execute('ROLLBACK TO job');
                await tx.execute('RELEASE job');
                out.push({ ok: false, value: err });
              }
            }
            return out;
          });
        } catch (err) {
          for (const job of jobs) job.reject(err); // the commit itself failed: nothing of the batch is stored
          continue;
        }
        jobs.forEach((job, i) => {
          const outcome = outcomes[i];
          if (outcome?.ok) job.resolve(outcome.value);
          else job.reject(outcome?.value);
        });
      }
    } finally {
      this.#draining = false;
    }
  }
}
