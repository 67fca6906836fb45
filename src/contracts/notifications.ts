/**
 * The notifications service's messages: each user's inbox (cursor pages, unread count,
 * marking read), preferences (per-group mute with an expiry, per-type switches, quiet
 * hours), forwarding targets (an ntfy topic or a signed webhook, with a delivery log and a
 * test action), and the events of a user's inbox (`evt.notifications.<type>`, stream
 * `inbox:<userId>`). An inbox event's `data.userId` is its one recipient: the gateway
 * delivers it to that user's streams only.
 */
import * as v from 'valibot';
import { command, event, query } from '../kit/index.ts';
import { IsoTime } from './location.ts';
import { Actor, Id, noNul } from './users.ts';

const S = 'notifications';

// ── shared shapes ──────────────────────────────────────────────────────────────────────

/** What a notification is about; each is a rule of the service (docs/notifications.md). */
export const NotificationType = v.picklist([
  'sos_raised',
  'sos_cleared',
  'journey_started',
  'destination_reached',
  'journey_late',
  'journey_stuck',
  'went_offline',
  'place_entered',
  'place_left',
  'member_joined',
  'member_left',
  'member_removed',
  'invite_accepted',
  'mention',
  'low_battery',
  'stopped_reporting',
  'phone_unreadable',
  /** The group's owner is deleting it (told to every other member before its data is erased). */
  'group_deleted',
]);
export type NotificationType = v.InferOutput<typeof NotificationType>;
/** The types that cannot be turned off or muted: an SOS always comes through. */
export const ALWAYS: readonly NotificationType[] = ['sos_raised', 'sos_cleared'];

/** How loudly a notification asks for attention (ntfy maps it to 5, 4, 3, 2). */
export const Priority = v.picklist(['urgent', 'high', 'default', 'low']);
export type Priority = v.InferOutput<typeof Priority>;

/** What a client needs to open the thing a notification is about. */
export const Refs = v.object({ messageId: v.optional(Id), placeId: v.optional(Id), userId: v.optional(Id) });

/** One notification in a user's inbox. */
export const Notification = v.object({
  id: Id,
  type: NotificationType,
  priority: Priority,
  /** The group it is about (null: none). */
  groupId: v.nullable(Id),
  title: v.string(),
  body: v.string(),
  /** Who caused it (never the recipient). */
  actorId: v.nullable(Id),
  refs: Refs,
  /** Created during the recipient's quiet hours: in the inbox, not forwarded. */
  quiet: v.boolean(),
  createdAt: v.string(),
  readAt: v.nullable(v.string()),
});
export type Notification = v.InferOutput<typeof Notification>;

/** Most notifications in one page. */
export const MAX_PAGE = 100;

/** A clock time of day, `HH:MM` (24 h). */
export const ClockTime = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:MM'));
/** An IANA time zone the runtime knows (`Europe/London`). */
export const TimeZone = v.pipe(
  v.string(),
  v.maxLength(64),
  v.check((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false; // RangeError: not a time zone
    }
  }, 'must be an IANA time zone such as Europe/London'),
);

/** One muted group: until an instant, for a number of minutes from now, or (neither) until unmuted. */
const MuteIn = v.pipe(
  v.strictObject({ groupId: Id, until: v.optional(IsoTime), forMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(525_600))) }),
  v.check((m) => !(m.until && m.forMinutes), 'give until or forMinutes, not both'),
);
/** A muted group as stored and read back. */
export const Mute = v.object({ groupId: Id, until: v.nullable(v.string()) });
export const QuietHours = v.strictObject({ start: ClockTime, end: ClockTime, timeZone: TimeZone });

/** Which crossings a watch tells of: arriving at a place, leaving it, or both. */
export const WatchOn = v.picklist(['arrive', 'leave', 'both']);
/**
 * "Tell me when Sam arrives at School": one group's place (null: any of its places) and
 * member (null: anyone), arriving, leaving or both. A user with watches in a group hears
 * only the arrivals and departures in that group that one of them matches.
 */
export const WatchIn = v.strictObject({
  groupId: Id,
  userId: v.optional(v.nullable(Id), null),
  placeId: v.optional(v.nullable(Id), null),
  on: v.optional(WatchOn, 'arrive'),
});
/** A watch as stored and read back. */
export const Watch = v.object({ groupId: Id, userId: v.nullable(Id), placeId: v.nullable(Id), on: WatchOn });
export type Watch = v.InferOutput<typeof Watch>;
/** The most watches one user may have. */
export const MAX_WATCHES = 50;

/** A user's preferences as read back. Types not listed are on; no watches in a group: every arrival and departure there. */
export const Preferences = v.object({
  mutes: v.array(Mute),
  types: v.record(v.string(), v.boolean()),
  quietHours: v.nullable(v.object({ start: v.string(), end: v.string(), timeZone: v.string() })),
  watches: v.array(Watch),
});
export type Preferences = v.InferOutput<typeof Preferences>;

/** An http or https URL of at most 2048 characters; with `credentials: false`, none in it. */
const httpUrl = (o: { credentials: boolean }) =>
  v.pipe(
    v.string(),
    v.maxLength(2048),
    v.url('must be a URL'),
    v.check(
      (s) => {
        try {
          const u = new URL(s);
          return (u.protocol === 'http:' || u.protocol === 'https:') && (o.credentials || (!u.username && !u.password));
        } catch {
          return false; // not a URL: v.url already said so
        }
      },
      o.credentials ? 'must be an http or https URL' : 'must be an http or https URL without credentials',
    ),
  );

/** A URL a target posts to: http or https, no user name or password in it. */
export const TargetUrl = httpUrl({ credentials: false });
/**
 * An ntfy topic URL: http or https, and it may carry a user and password
 * (`https://user:pass@host/topic`, sent as HTTP Basic); the service takes them out before
 * it stores the URL, so no list shows them back.
 */
export const NtfyUrl = httpUrl({ credentials: true });
const Label = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80), noNul);
/** A secret the user gives: 16–256 printable ASCII characters. */
const Secret = v.pipe(v.string(), v.regex(/^[\x21-\x7e]{16,256}$/, 'must be 16–256 printable ASCII characters'));
const NtfyToken = v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,256}$/, 'must be 1–256 printable ASCII characters'));

/** The most targets one user may have. */
export const MAX_TARGETS = 5;
export const TargetKind = v.picklist(['ntfy', 'webhook']);
export type TargetKind = v.InferOutput<typeof TargetKind>;

/** A target as its owner reads it; secrets and tokens are never read back. */
export const Target = v.object({
  id: Id,
  kind: TargetKind,
  label: v.string(),
  url: v.string(),
  /** A webhook has a signing secret; an ntfy target may have an access token. */
  hasSecret: v.boolean(),
  createdAt: v.string(),
  /** The circuit breaker of this target in this process: closed (healthy), open, half-open. */
  state: v.picklist(['closed', 'open', 'half-open']),
});
export type Target = v.InferOutput<typeof Target>;

/** What is forwarded: the part of a notification a phone shows (or a test message). */
export const ForwardMessage = v.object({
  notificationId: v.nullable(Id),
  type: v.union([NotificationType, v.literal('test')]),
  priority: Priority,
  title: v.string(),
  body: v.string(),
  groupId: v.nullable(Id),
  createdAt: v.string(),
});
export type ForwardMessage = v.InferOutput<typeof ForwardMessage>;

/** One attempt of one delivery, as the delivery log shows it. */
export const DeliveryAttempt = v.object({
  deliveryId: v.number(),
  attempt: v.number(),
  notificationId: v.nullable(Id),
  title: v.string(),
  at: v.string(),
  /** delivered; retrying (another attempt is scheduled); failed (given up). A breaker holding deliveries back makes no attempt. */
  outcome: v.picklist(['delivered', 'retrying', 'failed']),
  httpStatus: v.nullable(v.number()),
  error: v.nullable(v.string()),
  durationMs: v.number(),
});
export type DeliveryAttempt = v.InferOutput<typeof DeliveryAttempt>;

const Page = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PAGE)), 50);

// ── inbox ──────────────────────────────────────────────────────────────────────────────

/**
 * A page of the inbox. With `since` (a notification id): what came after it, oldest first
 * — a client that reconnects asks with the last id it saw and misses nothing. Otherwise
 * the newest first, older pages with `before`.
 */
export const GetInbox = query(S, 'inbox', {
  version: 1,
  request: v.strictObject({ actor: Actor, since: v.optional(Id), before: v.optional(Id), limit: Page, unreadOnly: v.optional(v.boolean(), false) }),
  reply: v.object({ items: v.array(Notification), unread: v.number(), hasMore: v.boolean() }),
});
const ReadEntries = {
  ids: v.optional(v.pipe(v.array(Id), v.minLength(1), v.maxLength(MAX_PAGE))),
  upTo: v.optional(Id),
  all: v.optional(v.literal(true)),
};
const oneWay = <T extends { ids?: string[]; upTo?: string; all?: true }>() =>
  v.check<T, string>((r) => [r.ids, r.upTo, r.all].filter((x) => x !== undefined).length === 1, 'give exactly one of ids, upTo or all');
/** What to mark read: some by id, all up to one (`upTo`), or all (`all: true`). */
export const ReadIn = v.pipe(v.strictObject(ReadEntries), oneWay());
/** Marks notifications read (see `ReadIn`). */
export const MarkRead = command(S, 'mark_read', {
  version: 1,
  request: v.pipe(v.strictObject({ actor: Actor, ...ReadEntries }), oneWay()),
  reply: v.object({ marked: v.number(), unread: v.number() }),
  idempotent: true,
});

// ── preferences ────────────────────────────────────────────────────────────────────────

export const GetPreferences = query(S, 'preferences', { version: 1, request: v.strictObject({ actor: Actor }), reply: Preferences });
/** Preferences as a client sets them (a PUT replaces them all). SOS cannot be turned off. */
export const PreferencesIn = v.strictObject({
  mutes: v.optional(v.pipe(v.array(MuteIn), v.maxLength(100)), []),
  types: v.optional(
    v.pipe(
      v.record(NotificationType, v.boolean()),
      v.check((t) => ALWAYS.every((k) => t[k] !== false), 'SOS notifications (sos_raised, sos_cleared) cannot be turned off'),
    ),
    {},
  ),
  quietHours: v.optional(v.nullable(QuietHours), null),
  watches: v.optional(v.pipe(v.array(WatchIn), v.maxLength(MAX_WATCHES, `must hold at most ${MAX_WATCHES} watches`)), []),
});
/** Replaces the actor's preferences. */
export const SetPreferences = command(S, 'set_preferences', {
  version: 1,
  request: v.strictObject({ actor: Actor, ...PreferencesIn.entries }),
  reply: Preferences,
  idempotent: true,
});

// ── group alert settings ───────────────────────────────────────────────────────────────

/** Low battery: a phone at or below this percentage, unplugged (null: off). */
export const LowBatteryPercent = v.nullable(v.pipe(v.number('must be a number or null'), v.integer('must be a whole percentage'), v.minValue(5, 'must be 5–50 %'), v.maxValue(50, 'must be 5–50 %')));
/** Stopped reporting: a sharing member silent this many minutes (null: off). */
export const SilenceMinutes = v.nullable(v.pipe(v.number('must be a number or null'), v.integer('must be whole minutes'), v.minValue(15, 'must be 15–10080 minutes'), v.maxValue(10_080, 'must be 15–10080 minutes')));
/** Defaults of a group that set nothing: 15 % and two hours (docs/notifications.md says why). */
export const DEFAULT_GROUP_ALERTS = { lowBatteryPercent: 15, silenceMinutes: 120 } as const;

/** A group's alert settings, as every member reads them. */
export const GroupAlerts = v.object({ groupId: Id, lowBatteryPercent: v.nullable(v.number()), silenceMinutes: v.nullable(v.number()) });
export type GroupAlerts = v.InferOutput<typeof GroupAlerts>;
/** What an admin changes (what is left out stays as it is; null turns the alert off). */
export const GroupAlertsIn = v.pipe(
  v.strictObject({ lowBatteryPercent: v.optional(LowBatteryPercent), silenceMinutes: v.optional(SilenceMinutes) }),
  v.check((x) => x.lowBatteryPercent !== undefined || x.silenceMinutes !== undefined, 'give lowBatteryPercent, silenceMinutes or both'),
);
/** A group's alert settings (any member). */
export const GetGroupAlerts = query(S, 'group_alerts', { version: 1, request: v.strictObject({ actor: Actor, groupId: Id }), reply: GroupAlerts });
/** Changes a group's alert settings (its owner and admins). */
export const SetGroupAlerts = command(S, 'set_group_alerts', {
  version: 1,
  request: v.pipe(
    v.strictObject({ actor: Actor, groupId: Id, lowBatteryPercent: v.optional(LowBatteryPercent), silenceMinutes: v.optional(SilenceMinutes) }),
    v.check((x) => x.lowBatteryPercent !== undefined || x.silenceMinutes !== undefined, 'give lowBatteryPercent, silenceMinutes or both'),
  ),
  reply: GroupAlerts,
  idempotent: true,
});

// ── targets ────────────────────────────────────────────────────────────────────────────

export const ListTargets = query(S, 'targets', { version: 1, request: v.strictObject({ actor: Actor }), reply: v.object({ targets: v.array(Target) }) });
/**
 * A target as a client adds it: an ntfy topic URL (with an optional access token, or a
 * `user:pass@` in the URL, not both) or a webhook (with an optional secret).
 */
export const TargetIn = v.variant('kind', [
  v.strictObject({ kind: v.literal('ntfy'), url: NtfyUrl, label: v.optional(Label), token: v.optional(NtfyToken) }),
  v.strictObject({ kind: v.literal('webhook'), url: TargetUrl, label: v.optional(Label), secret: v.optional(Secret) }),
]);
/** Adds a target. A webhook without a secret gets a generated one; the secret is in this reply only. */
export const CreateTarget = command(S, 'create_target', {
  version: 1,
  request: v.strictObject({ actor: Actor, target: TargetIn }),
  reply: v.object({ target: Target, secret: v.nullable(v.string()) }),
});
export const DeleteTarget = command(S, 'delete_target', { version: 1, request: v.strictObject({ actor: Actor, targetId: Id }), reply: v.object({}), idempotent: true });
/** Sends a test message to a target now (through the same queue, retries and log). */
export const TestTarget = command(S, 'test_target', { version: 1, request: v.strictObject({ actor: Actor, targetId: Id }), reply: v.object({ deliveryId: v.number() }) });
/** A target's delivery log, newest first. */
export const ListDeliveries = query(S, 'deliveries', {
  version: 1,
  request: v.strictObject({ actor: Actor, targetId: Id, limit: Page }),
  reply: v.object({ attempts: v.array(DeliveryAttempt) }),
});

// ── events ─────────────────────────────────────────────────────────────────────────────

/** The stream of a user's inbox. */
export const inboxStream = (userId: string): string => `inbox:${userId}`;

/** A notification reached a user's inbox. */
export const NotificationCreated = event(S, 'notification.created', { version: 1, data: v.object({ userId: Id, notification: Notification }) });
/** Some of a user's notifications were marked read (`ids`), or all up to one (`upTo`); `unread` is what is left. */
export const NotificationsRead = event(S, 'notification.read', {
  version: 1,
  data: v.object({ userId: Id, ids: v.nullable(v.array(Id)), upTo: v.nullable(Id), unread: v.number() }),
});
