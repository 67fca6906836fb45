/**
 * `DeleteGroup` (owner only) starts the group-deletion saga (sagas/group-deletion.ts) and
 * answers its id and state at once (the gateway's 202); asked again while it runs, the same
 * saga. `GetGroupDeletion` shows its progress to the owner who started it, also once the
 * group is gone; to anyone else it does not exist (`users.no_group_deletion`).
 */
import { membership, sagas, users } from '../../../src/contracts/index.ts';
import { decode, sagaQueries, type SagaDefinition } from '../../../src/kit/index.ts';
import type { Deps, Read } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { decideGroupAction } from '../domain/roles.ts';
import { requireActor, roleIn } from '../store/actors.ts';
import { GROUP_DELETION, groupDeletionSaga, type GroupDeletionInput } from '../sagas/group-deletion.ts';

/** The newest deletion of `groupId` (running or not), with its input. */
async function latestDeletion(read: Read, groupId: string): Promise<{ id: string; state: string; input: GroupDeletionInput } | undefined> {
  const [r] = await read.query('SELECT id, state, input FROM kit_sagas WHERE type = ? AND key = ? ORDER BY id DESC LIMIT 1', [GROUP_DELETION, `group:${groupId}`]);
  return r ? { id: String(r.id), state: String(r.state), input: decode(new Uint8Array(r.input as ArrayBuffer)) as GroupDeletionInput } : undefined;
}

/**
 * The users log's last membership event: how far each participant's consumer must have read
 * (every consumer applies these, storing its checkpoint with them; events it steps over,
 * such as `session.revoked`, may be stored seconds later).
 */
async function lastMembershipSeq(read: Read): Promise<number> {
  const types = [...membership.MEMBERSHIP_TYPES];
  const [r] = await read.query(`SELECT coalesce(max(seq), 0) AS seq FROM kit_events WHERE type IN (${types.map(() => '?').join(', ')})`, types);
  return Number(r?.seq ?? 0);
}

/** Registers `DeleteGroup` and `GetGroupDeletion`. */
export function handleDeleteGroup(d: Deps): void {
  const def = groupDeletionSaga(d.api.events);
  const deletion = d.api.saga(def);
  const views = sagaQueries(d.db, 'users', (type) => (type === GROUP_DELETION ? (def as SagaDefinition<unknown>) : undefined));

  d.api.handle(users.DeleteGroup, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireActor(tx, req.actor);
      const running = await latestDeletion(tx, req.groupId);
      if (running && (running.state === 'running' || running.state === 'compensating') && running.input.ownerId === req.actor.userId) {
        return { sagaId: running.id, status: running.state };
      }
      decideGroupAction('delete', await roleIn(tx, req.groupId, req.actor.userId));
      // Closed at once: no invite works from now on (the rest is refused by BEING_DELETED).
      await tx.execute('DELETE FROM invites WHERE group_id = ?', [req.groupId]);
      const started = await deletion.start(tx, { groupId: req.groupId, ownerId: req.actor.userId, usersSeq: await lastMembershipSeq(tx) }, { key: `group:${req.groupId}` });
      ctx.log.info('group deletion started', { groupId: req.groupId, sagaId: started.sagaId });
      return { sagaId: started.sagaId, status: started.state };
    }),
  );

  d.api.handle(sagas.GetGroupDeletion, async (req) => {
    await requireActor(d.db, req.actor);
    const found = await latestDeletion(d.db, req.groupId);
    if (!found || found.input.ownerId !== req.actor.userId) throw UsersError.noGroupDeletion({ groupId: req.groupId });
    const s = await views.get({ id: found.id });
    return {
      sagaId: s.id,
      groupId: req.groupId,
      status: s.state,
      step: s.step,
      waitingFor: s.waitingFor,
      lastError: s.lastError,
      startedAt: s.createdAt,
      finishedAt: s.finishedAt,
      steps: s.steps.map((x) => ({ name: x.name, participant: x.participant, status: x.status, attempts: x.attempts })),
    };
  });
}
