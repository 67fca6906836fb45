/**
 * The consumers of the location and chat services' events: each wanted event is judged by
 * its rule against the group as this service knows it, and what comes out is stored in the
 * consumer's transaction — with the checkpoint, so a redelivered event finds it done, and
 * keyed on (event id, recipient), so even a rebuild notifies no one twice.
 */
import type { ConsumerSpec, Envelope, Tx } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { CHAT_TYPES, chatRule, LOCATION_TYPES, locationRule, type Draft, type GroupView, type RuleEvent } from '../domain/rules.ts';
import { groupView } from '../store/groups.ts';
import { notify } from '../store/inbox.ts';
import { fresh } from './fresh.ts';

function consumer(d: Deps, types: readonly string[], rule: (e: RuleEvent, g: GroupView) => Draft[]): ConsumerSpec {
  return {
    types,
    async apply(e: Envelope, tx: Tx) {
      const groupId = (e.data as { groupId?: unknown }).groupId;
      if (typeof groupId !== 'string' || !fresh(e, d)) return;
      const drafts = rule({ type: e.type, data: e.data as Record<string, unknown> }, await groupView(tx, groupId));
      if ((await notify(tx, d.events, e, drafts, d.now())) > 0) tx.afterCommit(d.kick);
    },
  };
}

/** The consumer of `evt.location.*` (SOS, journeys, going offline, places). */
export const locationConsumer = (d: Deps): ConsumerSpec => consumer(d, LOCATION_TYPES, locationRule);

/** The consumer of `evt.chat.*` (mentions). */
export const chatConsumer = (d: Deps): ConsumerSpec => consumer(d, CHAT_TYPES, chatRule);
