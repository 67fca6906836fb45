/**
 * The consumer of `evt.users.*`: the membership read model and group names (the shared
 * projection), the member rules (joined, left, removed, invite accepted), and erasure — a
 * deleted group takes every notification about it (a deleted account is erased by the
 * account-deletion saga's step, sagas/account-deletion.ts); a member who leaves or is removed loses the group's notifications
 * (the removed member is then told, in the one notification they keep). The alert rules'
 * memory of a member (battery, silence) goes when they leave; a group's, with the group.
 */
import type { ConsumeSpec, Tx } from '../../../src/kit/index.ts';
import { membership } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { memberRule } from '../domain/rules.ts';
import { forgetAlerts } from '../store/alerts.ts';
import { eraseNotifications } from '../store/inbox.ts';
import { tell } from './tell.ts';

/**
 * Erases every notification about a group in `tx` (with its deliveries and inbox events) and
 * the alert rules' memory of it; a late event about the group tells no one who was in it.
 * Returns the notifications erased. The group-deletion saga's step (sagas/group-deletion.ts)
 * and the account-deletion saga (a person's solo groups) call it; so does this consumer at
 * `group.deleted` (then it finds nothing left).
 */
export async function eraseGroup(tx: Tx, d: Pick<Deps, 'events'>, groupId: string): Promise<number> {
  const erased = await eraseNotifications(tx, d.events, 'group_id = ?', [groupId]);
  await forgetAlerts(tx, { groupId });
  await tx.execute(`UPDATE member_since SET join_id = '${GONE}' WHERE group_id = ?`, [groupId]);
  return erased;
}

/**
 * `member_since.join_id` of a deleted group's members and of a deleted account: after every
 * UUIDv7 (hex digits sort before it), so an old event read again tells them nothing.
 */
export const GONE = '~';

/** The membership projection keeps group names here too (the texts use them). */
const MEMBERSHIP_OPTIONS: membership.MembershipOptions = { groups: true };

/**
 * What notifications adds to the membership projection: the member rules and erasure. The
 * rules run before the change is written, so they see the group as it was (a joiner is not
 * in it yet; a leaver still is).
 */
function notificationsHooks(d: Deps): membership.MembershipHooks {
  return {
    async before(tx, c, e) {
      switch (c.kind) {
        case 'member':
          // UUIDv7 ids order by time: the latest join is the greatest id.
          await tx.execute(
            'INSERT INTO member_since (group_id, user_id, join_id) VALUES (?, ?, ?) ON CONFLICT (group_id, user_id) DO UPDATE SET join_id = max(join_id, excluded.join_id)',
            [c.groupId, c.userId, e.id],
          );
          if (c.via === 'joined') await tell(d, tx, e, c.groupId, (g) => memberRule(c, g));
          return;
        case 'left':
          // What happened before they left (a rebuild re-reading an old departure must not erase what came after a rejoin).
          await eraseNotifications(tx, d.events, 'user_id = ? AND group_id = ? AND cause_at <= ?', [c.userId, c.groupId, e.at]);
          await forgetAlerts(tx, { groupId: c.groupId, userId: c.userId });
          await tell(d, tx, e, c.groupId, (g) => memberRule(c, g));
          return;
        case 'group_deleted':
          await eraseGroup(tx, d, c.groupId);
          return;
        case 'user_deleted':
          // Their inbox, preferences, targets and every notification about them went in the
          // account-deletion saga's step (sagas/account-deletion.ts), before this event.
          await tx.execute(`UPDATE member_since SET join_id = '${GONE}' WHERE user_id = ?`, [c.userId]);
          return;
        default:
          return;
      }
    },
  };
}

/**
 * The users consumer: membership (the shared projection), member rules, erasure.
 *
 * @example
 * api.consume('users', usersConsumer(deps));
 */
export function usersConsumer(d: Deps): ConsumeSpec {
  return membership.membershipConsumer(notificationsHooks(d), MEMBERSHIP_OPTIONS);
}
