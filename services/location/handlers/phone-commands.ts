/**
 * Phone commands: "locate now" (`LocateMember`, any member about any member of the same
 * group who shares with it, a few times per window), pushing a group's places to its members' phones
 * (`PushPlaces`, admins), and handing a phone what waits for it (`TakePhoneCommands`, asked
 * by the OwnTracks route on every post). See phones/commands.ts for what the apps do.
 */
import { AppError } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { ACTIONS, LOCATE_LIMIT, LOCATE_TTL_MS, LOCATE_WINDOW_MS, WAYPOINTS_TTL_MS, reportLocationCommand, setWaypointsCommand, toDeliver } from '../phones/commands.ts';
import { SEEN_EVERY_MS, knownDevices, queueCommand, recentLocates, takeCommands } from '../phones/command-store.ts';
import { inTx, membersOf, requireAdmin, requireMember } from '../store/members.ts';
import { listPlaces } from '../store/places.ts';

/** Registers the handlers. */
export function handlePhoneCommands(d: Deps): void {
  d.api.handle(location.LocateMember, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      await requireMember(read, req.groupId, req.actor.userId);
      await requireMember(read, req.groupId, req.userId);
      // A member who paused sharing with the group chose not to be seen there: their phone is not asked.
      if (req.userId !== req.actor.userId && !(await d.scopes.load(read, req.groupId, req.userId)).sharing) {
        throw new AppError('forbidden', 'location.member_not_sharing', 'This member is not sharing their location with the group, so their phone is not asked');
      }
      const now = d.api.now();
      const recent = await recentLocates(tx, req.actor.userId, req.userId, now);
      if (recent.count >= LOCATE_LIMIT) {
        const retryAfterSeconds = Math.max(1, Math.ceil(((recent.oldest ?? now) + LOCATE_WINDOW_MS - now) / 1000));
        throw new AppError('conflict', 'location.locate_too_often', `"Locate now" works ${LOCATE_LIMIT} times in ${LOCATE_WINDOW_MS / 60_000} minutes for the same person; try again in ${retryAfterSeconds} s`, {
          retryAfterSeconds,
        });
      }
      await queueCommand(tx, { userId: req.userId, action: ACTIONS.reportLocation, groupId: null, body: reportLocationCommand(), askedBy: req.actor.userId, now, ttlMs: LOCATE_TTL_MS });
      return { devices: await knownDevices(tx, req.userId), expiresAt: new Date(now + LOCATE_TTL_MS).toISOString() };
    }),
  );

  d.api.handle(location.PushPlaces, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      await requireAdmin(read, req.groupId, req.actor.userId);
      const places = await listPlaces(read, req.groupId);
      const members = await membersOf(read, req.groupId);
      const body = setWaypointsCommand(places);
      const now = d.api.now();
      for (const m of members) {
        await queueCommand(tx, { userId: m.userId, action: ACTIONS.setWaypoints, groupId: req.groupId, body, askedBy: req.actor.userId, now, ttlMs: WAYPOINTS_TTL_MS });
      }
      return { places: places.length, members: members.length };
    }),
  );

  d.api.handle(location.TakePhoneCommands, async (req, ctx) => {
    const now = d.api.now();
    const userId = req.actor.userId;
    // Most posts find nothing waiting: answer those from a read, without taking the write lock.
    const [seen] = await d.db.query('SELECT taken_up_to, last_seen FROM phone_devices WHERE user_id = ? AND device = ?', [userId, req.device]);
    if (seen && now - Number(seen.last_seen) < SEEN_EVERY_MS) {
      const [next] = await d.db.query('SELECT 1 FROM phone_commands WHERE user_id = ? AND id > ? LIMIT 1', [userId, Number(seen.taken_up_to)]);
      if (!next) return { commands: [] };
    }
    const pending = await ctx.write((tx) => takeCommands(tx, userId, req.device, now));
    return { commands: toDeliver(pending) };
  });
}
