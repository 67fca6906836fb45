/**
 * Stored POST responses for `Idempotency-Key`, in the gateway's database, per (scope, key)
 * where the scope is the user (or the client IP before sign-in). `begin` claims a key in
 * one transaction: the first request gets to run; a replay gets the stored response; the
 * same key with another request is a mismatch; a duplicate while the first still runs is
 * told so. A claim whose request died with its process is taken over after `staleMs`.
 */
import type { Db } from '../../kit/index.ts';

/** What `begin` decided. */
export type Claim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; contentType: string; body: string; headers: Record<string, string> }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/**
 * The store.
 *
 * @example
 * const claim = await store.begin(userId, key, fingerprint);
 * if (claim.kind === 'new') await store.finish(userId, key, 201, 'application/json', body, { location: '/v1/groups/1' });
 */
export class IdempotencyStore {
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #staleMs: number;
  readonly #now: () => number;

  constructor(db: Db, o: { hours: number; staleMs?: number; now?: () => number }) {
    this.#db = db;
    this.#ttlMs = o.hours * 3600_000;
    this.#staleMs = o.staleMs ?? 60_000;
    this.#now = o.now ?? Date.now;
  }

  /** Claims `key` for a request with `fingerprint`, or says why not. */
  begin(scope: string, key: string, fingerprint: string): Promise<Claim> {
    const now = this.#now();
    return this.#db.write(async (tx) => {
      const rs = await tx.execute('SELECT * FROM idempotency WHERE scope = ? AND key = ? AND expires_at > ?', [scope, key, now]);
      const row = rs.rows[0];
      if (row) {
        if (row.fingerprint !== fingerprint) return { kind: 'mismatch' } as const;
        if (row.state === 'done') {
          const headers = row.headers ? (JSON.parse(String(row.headers)) as Record<string, string>) : {};
          return { kind: 'replay', status: Number(row.status), contentType: String(row.content_type), body: String(row.body ?? ''), headers } as const;
        }
        if (now - Number(row.created_at) < this.#staleMs) return { kind: 'in_flight' } as const;
      }
      await tx.execute(
        `INSERT OR REPLACE INTO idempotency (scope, key, fingerprint, state, created_at, expires_at) VALUES (?, ?, ?, 'pending', ?, ?)`,
        [scope, key, fingerprint, now, now + this.#ttlMs],
      );
      return { kind: 'new' } as const;
    });
  }

  /** Stores the response of a claimed key, with the headers a replay repeats. */
  async finish(scope: string, key: string, status: number, contentType: string, body: string, headers: Record<string, string> = {}): Promise<void> {
    await this.#db.write((tx) =>
      tx.execute(`UPDATE idempotency SET state = 'done', status = ?, content_type = ?, body = ?, headers = ? WHERE scope = ? AND key = ?`, [
        status,
        contentType,
        body,
        Object.keys(headers).length ? JSON.stringify(headers) : null,
        scope,
        key,
      ]),
    );
  }

  /** Releases a claim whose request failed in a way worth retrying (5xx): the key may be used again. */
  async abandon(scope: string, key: string): Promise<void> {
    await this.#db.write((tx) => tx.execute(`DELETE FROM idempotency WHERE scope = ? AND key = ? AND state = 'pending'`, [scope, key]));
  }

  /** Deletes expired responses; returns how many. */
  async prune(): Promise<number> {
    const rs = await this.#db.write((tx) => tx.execute('DELETE FROM idempotency WHERE expires_at <= ?', [this.#now()]));
    return rs.rowsAffected;
  }
}
