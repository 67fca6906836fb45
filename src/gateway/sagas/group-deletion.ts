/**
 * The gateway's step in the group-deletion saga (docs/sagas.md): the stored answers of
 * POSTs sent with an `Idempotency-Key` about the group (a message sent, a place made: their
 * bodies quote the text) are erased; they name the group's id. The gateway's membership
 * copy (the group's name) goes when its consumer reads `group.deleted`, which users appends
 * in the saga's last step.
 */
import { sagas } from '../../contracts/index.ts';
import type { ServiceApi, Tx } from '../../kit/index.ts';

/**
 * Erases, in `tx`, the stored idempotent answers whose body or headers name `groupId`;
 * returns how many (also for the account-deletion saga's solo groups).
 */
export async function eraseGroupAnswers(tx: Pick<Tx, 'execute'>, groupId: string): Promise<number> {
  const rs = await tx.execute("DELETE FROM idempotency WHERE instr(coalesce(body, ''), ?) > 0 OR instr(coalesce(headers, ''), ?) > 0", [groupId, groupId]);
  return rs.rowsAffected;
}

/** Answers `saga.gateway.group_deletion_erase`. */
export function groupDeletionSteps(api: ServiceApi): void {
  api.sagaStep(sagas.GroupDeletionEraseGateway, async ({ groupId, usersSeq }, tx) => {
    await sagas.usersReadUpTo(tx, usersSeq);
    return { erased: await eraseGroupAnswers(tx, groupId) };
  });
}
