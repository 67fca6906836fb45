/**
 * The contracts of the group-deletion saga (docs/sagas.md, "Deleting a group"): the
 * orchestrator's (users) status query, and each participant's step (sagaCommand). The saga
 * is started by `users.DeleteGroup` (its reply is the saga's id and state).
 *
 * Every step's request carries `usersSeq`: the users log's head when the saga started. A
 * participant answers `saga.consumer_behind` (unavailable: the saga retries with
 * backoff) until its consumer of users' events has read that far, so no event about the
 * group (a late `member_joined`) can write its name again after the step erased it.
 */
import * as v from 'valibot';
import { query, sagaCommand } from '../../kit/index.ts';
import { Actor, Id } from '../users.ts';

/** What each participant's step is given: the group and how far its users consumer must have read. */
export const GroupDeletionStep = v.object({ groupId: Id, usersSeq: v.pipe(v.number(), v.integer(), v.minValue(0)) });
/** What a step answers (kept by the orchestrator: counts only, never names). */
export const GroupDeletionErased = v.object({ erased: v.pipe(v.number(), v.integer(), v.minValue(0)) });

const step = (participant: string, name: string) => sagaCommand(participant, name, { version: 1, request: GroupDeletionStep, reply: GroupDeletionErased });

/** Notifications tells each member but the owner that the group is being deleted (with its name); `erased` counts those told. */
export const GroupDeletionNotifyMembers = sagaCommand('notifications', 'group_deletion_notify', {
  version: 1,
  request: v.object({ groupId: Id, usersSeq: v.pipe(v.number(), v.integer(), v.minValue(0)), ownerId: Id }),
  reply: GroupDeletionErased,
});
/** Chat closes the group (no new messages) and erases its conversation: messages, full-text index, read markers, events. */
export const GroupDeletionEraseChat = step('chat', 'group_deletion_erase');
/** Location closes the group (no fixes shared into it) and erases positions, tracks, snapshots, places, phone commands and their events. */
export const GroupDeletionEraseLocation = step('location', 'group_deletion_erase');
/** Notifications erases every notification about the group (the deletion notice too), its deliveries and the alert rules' memory. */
export const GroupDeletionEraseNotifications = step('notifications', 'group_deletion_erase');
/** The gateway erases the stored answers of idempotent POSTs about the group (they may quote messages). */
export const GroupDeletionEraseGateway = step('gateway', 'group_deletion_erase');

/** One step of a group's deletion, as its owner sees it. */
export const GroupDeletionStepView = v.object({
  name: v.string(),
  /** Who does it: a service, or users itself for its last step. */
  participant: v.string(),
  status: v.picklist(['pending', 'running', 'done', 'failed', 'compensating', 'compensated']),
  attempts: v.number(),
});

/** A group's deletion as its owner follows it. */
export const GroupDeletionView = v.object({
  sagaId: v.string(),
  groupId: Id,
  /** running → completed (or failed: a participant refused; an instance admin must look). */
  status: v.picklist(['running', 'compensating', 'completed', 'failed', 'cancelled']),
  /** The step running now (null once ended). */
  step: v.nullable(v.string()),
  waitingFor: v.nullable(v.string()),
  lastError: v.nullable(v.object({ code: v.string(), message: v.string() })),
  startedAt: v.string(),
  finishedAt: v.nullable(v.string()),
  steps: v.array(GroupDeletionStepView),
});
export type GroupDeletionView = v.InferOutput<typeof GroupDeletionView>;

/**
 * The deletion of a group, for the owner who started it (also after the group is gone);
 * anyone else, or a group never deleted: `users.no_group_deletion` (not found).
 */
export const GetGroupDeletion = query('users', 'group_deletion', { version: 1, request: v.strictObject({ actor: Actor, groupId: Id }), reply: GroupDeletionView });
