/**
 * A command's writes applied once per idempotency claim (bus/idempotency.ts), in the
 * service that applies them: the first time, the write runs and its result is recorded in
 * `kit_idempotency` IN THE SAME TRANSACTION as its effects; a repeat of the claim (a client's
 * retry through any gateway, to any instance sharing the database, after a crash between
 * commit and answer) gets the recorded result and nothing runs again. The handler then
 * builds the same reply from the same result, so its reply must come from what its write
 * returns (every handler's does: ids and times are made inside the write). The same key
 * with another request (another fingerprint) is refused, `kit.idempotency_mismatch`.
 *
 * A handler may write more than once; each write is its own entry (`<call>/<n>`). A write
 * that fails (a refusal, a crash) records nothing, so a retry decides again.
 */
import { decode, encode } from '../codec.ts';
import { AppError } from '../errors.ts';
import type { IdempotencyClaim } from '../bus/idempotency.ts';
import type { WriteTx } from '../es/write-tx.ts';

/** Expired records are deleted at most this often (ms), by the next write that holds a claim. */
const PRUNE_EVERY_MS = 60_000;

/** When a service last pruned its records (per prune state object, one per service). */
export interface PruneState {
  lastAt: number;
}

/**
 * Runs `fn` in `tx` once for `claim`'s write number `n`, or returns the recorded result
 * (and marks the claim `replayed`).
 *
 * @example
 * ctx.write((tx) => applyOnce(tx, claim, 0, Date.now(), { lastAt: 0 }, (tx) => addNote(tx, req)));
 */
export async function applyOnce<T>(
  tx: WriteTx,
  claim: IdempotencyClaim & { replayed: boolean },
  n: number,
  now: number,
  prune: PruneState,
  fn: (tx: WriteTx) => Promise<T>,
): Promise<T> {
  if (now - prune.lastAt >= PRUNE_EVERY_MS) {
    prune.lastAt = now;
    await tx.execute('DELETE FROM kit_idempotency WHERE expires_at <= ?', [now]);
  }
  const call = `${claim.call}/${n}`;
  const rows = await tx.query('SELECT call, fingerprint, result FROM kit_idempotency WHERE scope = ? AND key = ? AND expires_at > ?', [claim.scope, claim.key, now]);
  if (rows.some((r) => r.fingerprint !== claim.fingerprint)) {
    throw new AppError('validation', 'kit.idempotency_mismatch', 'This idempotency key was used with a different request');
  }
  const done = rows.find((r) => r.call === call);
  if (done) {
    claim.replayed = true;
    return decode(new Uint8Array(done.result as ArrayBuffer)) as T;
  }
  const result = await fn(tx);
  let bytes: Uint8Array;
  try {
    bytes = encode(result ?? null);
  } catch (err) {
    throw new AppError('internal', 'kit.idempotency_unrecordable', `The result of ${claim.call} cannot be recorded`, undefined, { cause: err });
  }
  // OR REPLACE: an expired record of the same call may still be there, not yet pruned.
  await tx.execute('INSERT OR REPLACE INTO kit_idempotency (scope, key, call, fingerprint, result, at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    claim.scope,
    claim.key,
    call,
    claim.fingerprint,
    bytes,
    tx.at,
    now + claim.hours * 3600_000,
  ]);
  killAfterIdempotentWriteForTests(tx, claim.call);
  return result;
}

/**
 * For the crash test only (tests/gateway/idempotency-across-gateways.int.test.ts): when the
 * environment variable `TEST_HEARTH_IDEMPOTENT_KILL` lists an operation's subject
 * (comma-separated), the process SIGKILLs itself right after the first application of a
 * claimed write of that operation commits and before it answers. A repeat is answered from
 * the record and never gets here, so a restarted process answers the retry.
 */
function killAfterIdempotentWriteForTests(tx: WriteTx, call: string): void {
  const list = globalThis.process?.env?.TEST_HEARTH_IDEMPOTENT_KILL;
  const subject = call.replace(/#\d+$/, '');
  if (list && list.split(',').includes(subject)) tx.afterCommit(() => globalThis.process.kill(globalThis.process.pid, 'SIGKILL'));
}

/**
 * Erases, in `tx`, the idempotency records of a person or a group being erased: those
 * under a person's scope (`user:<id>`) and every one whose recorded result names one of
 * `ids` (a message's author, a group's id; a registration's record, scoped by address,
 * carries the new account's id). Returns how many. A record is only a retry's answer, so
 * erasing one that merely mentions an id costs nothing but that retry's replay.
 *
 * @example
 * await forgetIdempotency(tx, [userId, ...soloGroupIds]); // in an erasure step
 */
export async function forgetIdempotency(tx: Pick<WriteTx, 'execute'>, ids: readonly string[]): Promise<number> {
  let n = 0;
  for (const id of ids) {
    // Both sides BLOBs: instr compares bytes (MessagePack holds strings as their UTF-8 bytes).
    const rs = await tx.execute('DELETE FROM kit_idempotency WHERE scope = ? OR instr(result, CAST(? AS BLOB)) > 0', [`user:${id}`, id]);
    n += rs.rowsAffected;
  }
  return n;
}
