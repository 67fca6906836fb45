/**
 * The group-deletion saga, orchestrated here (docs/sagas.md, "Deleting a group"). Started
 * by `DeleteGroup` (handlers/delete-group.ts) in the transaction that also drops the
 * group's invites; from then on the group is closed here (store/being-deleted.ts). Then:
 * notifications tells the members, chat, location, notifications and the gateway each
 * erase what they hold of the group (each step closes the group in that service first),
 * and the group's row goes last, with its events in this log and `group.deleted`.
 *
 * Nothing is compensated: erased data cannot come back, so no step has a timeout and the
 * saga has no deadline — a participant that is down is asked again, with backoff, until it
 * answers. A participant's refusal (a bug) ends the saga `failed`, which reopens the group
 * (its owner may delete it again: every step is applied once per saga and harmless twice).
 */
import * as v from 'valibot';
import { sagas, users } from '../../../src/contracts/index.ts';
import { call, forgetIdempotency, local, saga } from '../../../src/kit/index.ts';
import type { EventLog } from '../../../src/kit/index.ts';
import { deleteGroup, eraseGroupEvents } from '../store/groups.ts';

/** The saga's input: ids and a log position, never names (it stays in this database). */
export const GroupDeletionInput = v.object({ groupId: users.Id, ownerId: users.Id, usersSeq: v.pipe(v.number(), v.integer(), v.minValue(0)) });
export type GroupDeletionInput = v.InferOutput<typeof GroupDeletionInput>;

/** The saga's type: its key is `group:<groupId>`. */
export const GROUP_DELETION = 'delete_group';

/** Erasure is cheap to repeat: a participant back from a restart is asked again within seconds. */
const RETRY = { initialMs: 250, maxMs: 5_000 };

const step = ({ input }: { input: GroupDeletionInput }) => ({ groupId: input.groupId, usersSeq: input.usersSeq });

/** The saga, erasing with `events` (users' own log) in its last step. */
export function groupDeletionSaga(events: EventLog) {
  return saga<GroupDeletionInput>({
    type: GROUP_DELETION,
    input: GroupDeletionInput,
    steps: [
      call({ name: 'notify_members', send: sagas.GroupDeletionNotifyMembers, request: ({ input }) => ({ ...step({ input }), ownerId: input.ownerId }), retry: RETRY }),
      call({ name: 'erase_chat', send: sagas.GroupDeletionEraseChat, request: step, retry: RETRY }),
      call({ name: 'erase_location', send: sagas.GroupDeletionEraseLocation, request: step, retry: RETRY }),
      call({ name: 'erase_notifications', send: sagas.GroupDeletionEraseNotifications, request: step, retry: RETRY }),
      call({ name: 'erase_gateway', send: sagas.GroupDeletionEraseGateway, request: step, retry: RETRY }),
      local({
        name: 'delete_group',
        run: async (tx, { input }) => {
          const erased = await eraseGroupEvents(tx, events, input.groupId);
          await deleteGroup(tx, input.groupId);
          await forgetIdempotency(tx, [input.groupId]);
          return { erased };
        },
      }),
    ],
  });
}
