/**
 * What every participant of a saga about users' data checks first: has its consumer of
 * users' events read far enough? A participant that erased a person or a group before
 * reading users' last membership events about them would have them written again
 * afterwards (docs/sagas.md, "Consumer lag").
 */
import { AppError, type Tx } from '../../kit/index.ts';

/**
 * Throws a retryable `saga.consumer_behind` (unavailable: the saga tries the step again
 * with backoff) until this service's consumer of users' events has stored a checkpoint at
 * or past `seq`. `tx` is the step's transaction.
 *
 * @example
 * svc.sagaStep(AccountDeletionEraseChat, async (req, tx) => { await usersReadUpTo(tx, req.afterSeq); … });
 */
export async function usersReadUpTo(tx: Pick<Tx, 'query'>, seq: number): Promise<void> {
  if (seq <= 0) return;
  const [row] = await tx.query("SELECT seq FROM kit_checkpoints WHERE source = 'users'", []);
  const at = Number(row?.seq ?? 0);
  if (at < seq) throw new AppError('unavailable', 'saga.consumer_behind', `The users events up to ${seq} are not read here yet (at ${at})`, { seq, at });
}
