/**
 * What every consumer does with an event a rule judges: if it is still news, the rule sees
 * the group as this service knows it, and what comes out is stored in the consumer's
 * transaction — with the checkpoint, so a redelivered event finds it done, and keyed on
 * (event id, recipient), so even a rebuild notifies no one twice. The forwarder is woken
 * after the commit when something new was stored.
 */
import { on, type Envelope, type EventHandler, type WriteTx } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import type { Draft, GroupView, Rule } from '../domain/rules.ts';
import { fresh } from '../domain/fresh.ts';
import { groupView } from '../store/groups.ts';
import { notify } from '../store/inbox.ts';

/**
 * Stores what `drafts` makes of `cause` for group `groupId`, unless `cause` is old news; a
 * member who joined after `cause` (read again when a checkpoint moved back: `member_since`,
 * UUIDv7 ids ordered by time) is not told of it. With `key`, the inbox rows are keyed on
 * it instead of the event id: one happening seen through several events (a fix in each of
 * the member's groups) tells a member of two of those groups once.
 */
export async function tell(d: Deps, tx: WriteTx, cause: Envelope, groupId: string, drafts: (g: GroupView) => Draft[], key?: string): Promise<void> {
  if (!fresh(cause, d.now(), d.settings.maxAgeMs)) return;
  const later = new Set((await tx.query('SELECT user_id FROM member_since WHERE group_id = ? AND join_id > ?', [groupId, cause.id])).map((r) => String(r.user_id)));
  const told = drafts(await groupView(tx, groupId)).filter((x) => !later.has(x.userId));
  if ((await notify(tx, key === undefined ? cause : { ...cause, id: key }, told, d.now())) > 0) tx.afterCommit(d.kick);
}

/**
 * The typed handler of a rule's event type, for a group's event (`groupId` in its data).
 *
 * @example
 * api.consume('chat', { handlers: [ruleHandler(d, CHAT_RULES.messageSent)] });
 */
export const ruleHandler = <D extends { groupId: string }>(d: Deps, r: Rule<D>): EventHandler =>
  on(r.type, (e, tx) => tell(d, tx, e, e.data.groupId, (g) => r.drafts(e.data, g)));
