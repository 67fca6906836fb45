/**
 * The consumer of `evt.location.*`: an SOS raised or cleared and a destination reached
 * become system messages in the member's group. Fixes, most of location's events, are not
 * among its handlers, so they are stepped over without a transaction each.
 */
import { on, type ConsumeSpec, type Envelope, type WriteTx } from '../../../src/kit/index.ts';
import { location, membership } from '../../../src/contracts/index.ts';
import type { SystemKind } from '../domain/messages.ts';
import { announce } from './announce.ts';

/** Tells the group about its member `e.data.userId` (someone no longer in the group: nothing). */
async function tell(tx: WriteTx, e: Envelope<{ groupId: string; userId: string }>, kind: SystemKind): Promise<void> {
  const member = await membership.memberOf(tx, e.data.groupId, e.data.userId);
  if (member) await announce(tx, e, { groupId: e.data.groupId, kind, userId: e.data.userId, name: member.displayName });
}

/**
 * The consumer of `evt.location.*`.
 *
 * @example
 * api.consume('location', locationConsumer());
 */
export function locationConsumer(): ConsumeSpec {
  return {
    handlers: [
      on(location.SosRaised, (e, tx) => tell(tx, e, 'sos_raised')),
      on(location.SosCleared, (e, tx) => tell(tx, e, 'sos_cleared')),
      on(location.DestinationReached, (e, tx) => tell(tx, e, 'destination_reached')),
    ],
  };
}
