/**
 * The notification routes: the inbox (pages by cursor, unread count, marking read),
 * preferences, and forwarding targets with their test action and delivery log. Everything
 * here is the caller's own; the service keys every query on the actor. And a group's alert
 * settings (low battery, stopped reporting), which every member reads and admins change.
 */
import * as v from 'valibot';
import { AppError } from '../../kit/index.ts';
import { notifications, users } from '../../contracts/index.ts';
import { route } from '../route-spec.ts';
import { GroupParams, PageLimit } from './shapes.ts';

const tag = 'notifications';
const service = 'notifications';
const TargetParams = v.strictObject({ targetId: users.Id });
const Limit = PageLimit(notifications.MAX_PAGE);
const Bool = v.optional(v.pipe(v.picklist(['true', 'false'], 'must be true or false'), v.transform((s) => s === 'true')));

/** The notification routes. */
export const notificationRoutes = [
  route({
    method: 'GET',
    path: '/v1/notifications',
    summary: 'My inbox: after a notification id (oldest first, to catch up), or the newest first and older pages with before',
    tag,
    access: 'user',
    service,
    query: v.object({ since: v.optional(users.Id), before: v.optional(users.Id), limit: Limit, unread: Bool }),
    reply: notifications.GetInbox.reply,
    handle: ({ actor, query, call }) => {
      if (query.since && query.before) {
        throw new AppError('validation', 'gateway.invalid_request', 'Invalid query: before: give since or before, not both', { issues: [{ path: 'query.before', message: 'give since or before, not both' }] });
      }
      return call(notifications.GetInbox, {
        actor,
        ...(query.since ? { since: query.since } : {}),
        ...(query.before ? { before: query.before } : {}),
        ...(query.limit ? { limit: query.limit } : {}),
        ...(query.unread !== undefined ? { unreadOnly: query.unread } : {}),
      });
    },
  }),
  route({
    method: 'POST',
    path: '/v1/notifications/read',
    summary: 'Mark notifications read: {ids}, {upTo} or {all: true}',
    tag,
    access: 'user',
    service,
    body: notifications.ReadIn,
    reply: notifications.MarkRead.reply,
    handle: ({ actor, body, call }) => call(notifications.MarkRead, { actor, ...body }),
  }),
  route({
    method: 'GET',
    path: '/v1/notifications/preferences',
    summary: 'My notification preferences',
    tag,
    access: 'user',
    service,
    reply: notifications.Preferences,
    handle: ({ actor, call }) => call(notifications.GetPreferences, { actor }),
  }),
  route({
    method: 'PUT',
    path: '/v1/notifications/preferences',
    summary: 'Replace my notification preferences (mutes, types, quiet hours; SOS always comes through)',
    tag,
    access: 'user',
    service,
    body: notifications.PreferencesIn,
    reply: notifications.Preferences,
    handle: ({ actor, body, call }) => call(notifications.SetPreferences, { actor, ...body }),
  }),
  route({
    method: 'GET',
    path: '/v1/notifications/targets',
    summary: 'Where my notifications are forwarded',
    tag,
    access: 'user',
    service,
    reply: notifications.ListTargets.reply,
    handle: ({ actor, call }) => call(notifications.ListTargets, { actor }),
  }),
  route({
    method: 'POST',
    path: '/v1/notifications/targets',
    summary: 'Forward my notifications to an ntfy topic or a signed webhook (a webhook secret is shown once)',
    tag,
    access: 'user',
    service,
    body: notifications.TargetIn,
    status: 201,
    reply: notifications.CreateTarget.reply,
    handle: ({ actor, body, call }) => call(notifications.CreateTarget, { actor, target: body }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/notifications/targets/:targetId',
    summary: 'Stop forwarding to a target',
    tag,
    access: 'user',
    service,
    params: TargetParams,
    status: 204,
    handle: async ({ actor, params, call }) => void (await call(notifications.DeleteTarget, { actor, targetId: params.targetId })),
  }),
  route({
    method: 'POST',
    path: '/v1/notifications/targets/:targetId/test',
    summary: 'Send a test notification to a target (see its delivery log for the outcome)',
    tag,
    access: 'user',
    service,
    params: TargetParams,
    status: 202,
    reply: notifications.TestTarget.reply,
    handle: ({ actor, params, call }) => call(notifications.TestTarget, { actor, targetId: params.targetId }),
  }),
  route({
    method: 'GET',
    path: '/v1/notifications/targets/:targetId/deliveries',
    summary: 'A target\u2019s delivery log, newest first',
    tag,
    access: 'user',
    service,
    params: TargetParams,
    query: v.object({ limit: Limit }),
    reply: notifications.ListDeliveries.reply,
    handle: ({ actor, params, query, call }) => call(notifications.ListDeliveries, { actor, targetId: params.targetId, ...(query.limit ? { limit: query.limit } : {}) }),
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/alert-settings',
    summary: 'The group\u2019s alert settings: low battery threshold and stopped-reporting silence (null: off)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'member' },
    reply: notifications.GroupAlerts,
    handle: ({ actor, params, call }) => call(notifications.GetGroupAlerts, { actor, groupId: params.groupId }),
  }),
  route({
    method: 'PATCH',
    path: '/v1/groups/:groupId/alert-settings',
    summary: 'Change the group\u2019s alert settings (admin or owner): {lowBatteryPercent?, silenceMinutes?}, null turns one off',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'admin' },
    body: notifications.GroupAlertsIn,
    reply: notifications.GroupAlerts,
    handle: ({ actor, params, body, call }) => call(notifications.SetGroupAlerts, { actor, groupId: params.groupId, ...body }),
  }),
];
