/**
 * A group's alert settings (low battery threshold, stopped-reporting silence): every member
 * reads them; its owner and admins change them. What a change leaves out stays as it was;
 * null turns that alert off for the group.
 */
import { AppError, type ServiceApi } from '../../../src/kit/index.ts';
import { membership, notifications } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { groupAlerts, saveGroupAlerts } from '../store/alerts.ts';

/** Registers the group alert settings handlers. */
export function handleGroupAlerts(api: ServiceApi, d: Deps): void {
  api.handle(notifications.GetGroupAlerts, async (req) => {
    await membership.requireMember(d.db, req.groupId, req.actor.userId);
    return groupAlerts(d.db, req.groupId);
  });

  api.handle(notifications.SetGroupAlerts, (req, ctx) =>
    ctx.write(async (tx) => {
      const { role } = await membership.requireMember(tx, req.groupId, req.actor.userId);
      if (!membership.isAdmin(role)) throw new AppError('forbidden', 'notifications.admin_only', 'Only the group’s owner and admins may change its alerts');
      const now = await groupAlerts(tx, req.groupId);
      const next = {
        lowBatteryPercent: req.lowBatteryPercent === undefined ? now.lowBatteryPercent : req.lowBatteryPercent,
        silenceMinutes: req.silenceMinutes === undefined ? now.silenceMinutes : req.silenceMinutes,
      };
      await saveGroupAlerts(tx, req.groupId, next);
      return { groupId: req.groupId, ...next };
    }),
  );
}
