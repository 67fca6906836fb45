/**
 * The chat service's messages: sending, editing and deleting messages, read markers,
 * history, search and unread counts (`svc.chat.<op>`), and the events of each group's
 * conversation (`evt.chat.<type>`, one stream `chat:<groupId>`). An event type's first word
 * is what a client sees it as on the stream: `message` or `read`. Text is stored exactly as
 * given and returned as data; nothing in it is interpreted.
 */
import * as v from 'valibot';
import { command, event, query } from '../kit/index.ts';
import { IsoTime } from './location.ts';
import { Actor, Id, noNul } from './users.ts';

const S = 'chat';

// ── shared shapes ──────────────────────────────────────────────────────────────────────

/** The longest message, in characters. */
export const MAX_TEXT = 4000;
/** The most messages one page holds. */
export const MAX_PAGE = 100;

/** A message's text: 1–4000 characters, not only white space; stored as given. */
export const Text = v.pipe(
  v.string(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_TEXT, `must be at most ${MAX_TEXT} characters`),
  v.check((s) => s.trim().length > 0, 'must not be only white space'),
  noNul,
);
/** The client's id for a send: the same id makes a retried send return the first message. */
export const TxnId = v.pipe(v.string(), v.regex(/^[\w.:-]{1,64}$/, 'must be 1–64 letters, digits or ._:-'));

/** What produced a system message. */
export const SystemKind = v.picklist(['member_joined', 'member_left', 'member_removed', 'sos_raised', 'sos_cleared', 'destination_reached']);

/** One message as members read it. A deleted message keeps its place with `text: null`. */
export const Message = v.object({
  id: Id,
  groupId: Id,
  seq: v.number(),
  kind: v.picklist(['user', 'system']),
  /** The author (null: a system message, or an account that was deleted). */
  authorId: v.nullable(Id),
  authorName: v.string(),
  text: v.nullable(v.string()),
  replyTo: v.nullable(Id),
  system: v.nullable(v.object({ type: SystemKind, userId: Id, name: v.string() })),
  createdAt: v.string(),
  editedAt: v.nullable(v.string()),
  deletedAt: v.nullable(v.string()),
});
export type Message = v.InferOutput<typeof Message>;

const GroupScoped = { actor: Actor, groupId: Id };
/** A cursor: a message id or an instant. */
const Cursor = v.union([Id, IsoTime]);

// ── commands ───────────────────────────────────────────────────────────────────────────

/** Sends a message; the same `txnId` from the same author returns the first message and sends nothing. */
export const SendMessage = command(S, 'send', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, text: Text, txnId: TxnId, replyTo: v.optional(Id) }),
  reply: v.object({ message: Message, duplicate: v.boolean() }),
  idempotent: true,
});
/** Changes a message's text (its author only). */
export const EditMessage = command(S, 'edit', { version: 1, request: v.strictObject({ ...GroupScoped, messageId: Id, text: Text }), reply: Message });
/** Deletes a message: its text is erased, its place kept (its author, or an admin). */
export const DeleteMessage = command(S, 'delete', { version: 1, request: v.strictObject({ ...GroupScoped, messageId: Id }), reply: Message });
/** Moves the actor's read marker forward to a message (never back). */
export const MarkRead = command(S, 'mark_read', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, messageId: Id }),
  reply: v.object({ messageId: v.nullable(Id), unread: v.number() }),
  idempotent: true,
});

// ── queries ────────────────────────────────────────────────────────────────────────────

/** A page of history: the newest (no cursor), before a message or instant (older), or after one (newer). Oldest first. */
export const GetHistory = query(S, 'history', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, before: v.optional(Cursor), after: v.optional(Cursor), limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PAGE)), 50) }),
  reply: v.object({ messages: v.array(Message), hasMore: v.boolean() }),
});
/** Full-text search over a group's messages, best match first. */
export const SearchMessages = query(S, 'search', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, q: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200)), limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PAGE)), 20) }),
  reply: v.object({ results: v.array(v.object({ message: Message, snippet: v.string() })) }),
});
/** Unread counts of the actor's groups, with each read marker. */
export const GetUnread = query(S, 'unread', {
  version: 1,
  request: v.strictObject({ actor: Actor }),
  reply: v.object({ groups: v.array(v.object({ groupId: Id, unread: v.number(), readUpTo: v.nullable(Id) })) }),
});

// ── typing ─────────────────────────────────────────────────────────────────────────────

/** The broker subject of a group's typing signals: plain messages the gateways publish (no outbox, no log, never replayed). */
export const typingSubject = (groupId: string): string => `evt.gateway.typing.${groupId}`;
/** What every gateway instance listens to. */
export const TYPING_SUBJECTS = 'evt.gateway.typing.>';
/**
 * A typing signal as it travels on the broker. Anything may arrive on that subject, so it
 * is checked on the way in.
 *
 * @example
 * v.parse(TypingSignal, { groupId, userId, name: null, at: new Date().toISOString() });
 */
export const TypingSignal = v.strictObject({
  groupId: Id,
  userId: Id,
  /** The typist's display name where the gateway knows it; null otherwise (clients have the member list). */
  name: v.nullable(v.pipe(v.string(), v.maxLength(200))),
  at: IsoTime,
});
export type TypingSignal = v.InferOutput<typeof TypingSignal>;

// ── events ─────────────────────────────────────────────────────────────────────────────

/** A message was sent; its seq is the event's own. */
export const MessageSent = event(S, 'message.sent', { version: 1, data: v.object({ groupId: Id, message: v.omit(Message, ['seq']), txnId: v.nullable(v.string()) }) });
export const MessageEdited = event(S, 'message.edited', { version: 1, data: v.object({ groupId: Id, messageId: Id, text: v.string(), editedAt: v.string() }) });
export const MessageDeleted = event(S, 'message.deleted', { version: 1, data: v.object({ groupId: Id, messageId: Id, by: Id, deletedAt: v.string() }) });
export const ReadMarkerMoved = event(S, 'read.marker_moved', { version: 1, data: v.object({ groupId: Id, userId: Id, messageId: Id, seq: v.number() }) });

