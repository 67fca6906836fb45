/**
 * Placeholder for the kit's `stampRestore` (BRIEF interface 1, branch r15-consistency):
 * marks a just-restored database so that consumers elsewhere reconcile their checkpoints
 * with its event log. Until that branch is merged this does nothing but report the head;
 * TODO(#15): delete this file and import stampRestore from the kit once it lands.
 */
import { EventLog, type Db } from '../../kit/index.ts';

/** Marks `db` as restored; resolves with its (new) epoch and its event log's head. */
export async function stampRestore(db: Db): Promise<{ epoch: string; head: number }> {
  return { epoch: '', head: await new EventLog(db, 'restore').head() };
}
