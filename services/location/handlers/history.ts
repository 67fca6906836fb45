/**
 * `erase_history`: a member erases their own history in one group or all of them — every
 * recorded fix (the events and the tracks), the snapshots built from them, and their live
 * position (`HistoryErased` tells the group). Alerts keep the position they were raised
 * at; leaving the group or deleting the account erases everything (membership.ts).
 */
import { location } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { decide, scopeStream } from '../domain/index.ts';
import { groupsOf, inTx, requireMember } from '../store/members.ts';

/** Registers the handler. */
export function handleHistory(d: Deps): void {
  d.api.handle(location.EraseHistory, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      const userId = req.actor.userId;
      if (req.groupId) await requireMember(read, req.groupId, userId);
      const groups = req.groupId ? [req.groupId] : (await groupsOf(read, userId)).map((g) => g.groupId);
      let erased = 0;
      for (const groupId of groups) {
        erased += await d.api.events.erase(tx, { stream: scopeStream(groupId, userId), types: ['location.sampled'] });
        const scope = await d.scopes.load(read, groupId, userId);
        await d.scopes.record(tx, scope, decide({ type: 'erase_history' }, scope, { now: d.api.now(), rules: d.settings.rules, places: [] }));
      }
      return { erased };
    }),
  );
}
