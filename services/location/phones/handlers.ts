/**
 * The phones' commands and queries: set or remove the secret a member's OwnTracks app
 * encrypts with, give it to the gateway (which decrypts; this service never sees a
 * message's content), and hold the encrypted messages that cannot be read yet — bounded
 * per user (`location.phone_held_max`; beyond it `location.phone_hold_full`, 503, and the
 * phone keeps the message), erased after `location.phone_held_days`, and the user told
 * once (`PhoneUnreadable`) until the secret is set again.
 */
import { AppError, uuidv7 } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { eraseExpiredHeld, heldCount, hold, keyOf, listHeld, markTold, release, setKey } from './store.ts';

/** The stream a user's phone events go to. */
export const phoneStream = (userId: string) => `phone:${userId}`;

/** Registers the handlers. */
export function handlePhones(d: Deps): void {
  const since = () => d.api.now() - d.settings.heldMs;

  d.api.handle(location.SetPhoneKey, (req, ctx) =>
    ctx.write(async (tx) => {
      await setKey(tx, req.actor.userId, req.key, d.api.now());
      return { keySet: req.key !== null, held: await heldCount(tx, req.actor.userId, since()) };
    }),
  );

  d.api.handle(location.GetPhoneKey, async (req) => {
    const { key } = await keyOf(d.db, req.actor.userId);
    return { key, held: await heldCount(d.db, req.actor.userId, since()) };
  });

  d.api.handle(location.HoldPhoneMessage, (req, ctx) =>
    ctx.write(async (tx) => {
      const userId = req.actor.userId;
      const now = d.api.now();
      await eraseExpiredHeld(tx, since(), userId);
      const held = await heldCount(tx, userId, since());
      if (held >= d.settings.heldMax) {
        throw new AppError('unavailable', 'location.phone_hold_full', `${held} encrypted messages from your phones are waiting for their secret; set it to let the rest in`, { held });
      }
      await hold(tx, { id: uuidv7(), userId, device: req.device, data: req.data, at: now });
      if (await markTold(tx, userId, now)) {
        await tx.append(location.PhoneUnreadable, { userId, device: req.device, reason: req.reason, at: new Date(now).toISOString() }, { stream: phoneStream(userId) });
      }
      return { held: held + 1 };
    }),
  );

  d.api.handle(location.ListHeldPhoneMessages, async (req) => ({
    messages: await listHeld(d.db, req.actor.userId, since(), req.after, req.limit, location.HELD_PAGE_BYTES),
  }));

  d.api.handle(location.ReleaseHeldPhoneMessages, (req, ctx) =>
    ctx.write(async (tx) => ({ released: await release(tx, req.actor.userId, req.ids) })),
  );
}
