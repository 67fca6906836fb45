/**
 * The chat routes: send (idempotent per `txnId`), edit, delete, history pages, search, the
 * read marker and unread counts, and the typing indicator. The chat service checks
 * membership again against its own read model; the route table checks it first here. The
 * typing indicator never reaches the chat service: the gateway publishes it itself.
 */
import * as v from 'valibot';
import { chat, location, users } from '../../contracts/index.ts';
import { route } from '../route-spec.ts';
import { GroupParams, PageLimit } from './shapes.ts';

const tag = 'chat';
const service = 'chat';
const MessageParams = v.strictObject({ groupId: users.Id, messageId: users.Id });
const Cursor = v.optional(v.union([users.Id, location.IsoTime], 'must be a message id or an ISO 8601 date-time'));

/** The chat routes. */
export const chatRoutes = [
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/messages',
    summary: 'Send a message (the same txnId again returns the first one)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'member' },
    body: v.strictObject({ text: chat.Text, txnId: chat.TxnId, replyTo: v.optional(users.Id) }),
    status: 201,
    reply: chat.SendMessage.reply,
    handle: ({ actor, params, body, call }) => call(chat.SendMessage, { actor, groupId: params.groupId, ...body }),
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/messages',
    summary: 'A page of history: the newest, or before / after a message id or an instant (oldest first)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    query: v.object({ before: Cursor, after: Cursor, limit: PageLimit(chat.MAX_PAGE) }),
    group: { role: 'member' },
    reply: chat.GetHistory.reply,
    handle: ({ actor, params, query, call }) =>
      call(chat.GetHistory, { actor, groupId: params.groupId, ...(query.before ? { before: query.before } : {}), ...(query.after ? { after: query.after } : {}), ...(query.limit ? { limit: query.limit } : {}) }),
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/messages/search',
    summary: 'Search the group\u2019s messages (words; the last may be a prefix)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    query: v.object({ q: v.pipe(v.string('is required'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200)), limit: PageLimit(chat.MAX_PAGE) }),
    group: { role: 'member' },
    reply: chat.SearchMessages.reply,
    handle: ({ actor, params, query, call }) => call(chat.SearchMessages, { actor, groupId: params.groupId, q: query.q, ...(query.limit ? { limit: query.limit } : {}) }),
  }),
  route({
    method: 'PATCH',
    path: '/v1/groups/:groupId/messages/:messageId',
    summary: 'Edit my message',
    tag,
    access: 'user',
    service,
    params: MessageParams,
    group: { role: 'member' },
    body: v.strictObject({ text: chat.Text }),
    reply: chat.Message,
    handle: ({ actor, params, body, call }) => call(chat.EditMessage, { actor, groupId: params.groupId, messageId: params.messageId, text: body.text }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/groups/:groupId/messages/:messageId',
    summary: 'Delete a message (mine, or any as an admin): its text is erased, its place kept',
    tag,
    access: 'user',
    service,
    params: MessageParams,
    group: { role: 'member' },
    reply: chat.Message,
    handle: ({ actor, params, call }) => call(chat.DeleteMessage, { actor, groupId: params.groupId, messageId: params.messageId }),
  }),
  route({
    method: 'PUT',
    path: '/v1/groups/:groupId/read-marker',
    summary: 'Mark the group read up to a message (a marker only moves forward)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'member' },
    body: v.strictObject({ messageId: users.Id }),
    reply: chat.MarkRead.reply,
    handle: ({ actor, params, body, call }) => call(chat.MarkRead, { actor, groupId: params.groupId, messageId: body.messageId }),
  }),
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/typing',
    summary: 'Say I am typing: the other members\u2019 streams get `typing` (never stored; at most one per 2 s goes out, the rest are dropped silently — still 204)',
    tag,
    access: 'user',
    params: GroupParams,
    group: { role: 'member' },
    status: 204,
    handle: ({ actor, params, deps }) => void deps.feed.typing(actor.userId, params.groupId),
  }),
  route({
    method: 'GET',
    path: '/v1/me/unread',
    summary: 'Unread messages in each of my groups',
    tag,
    access: 'user',
    service,
    reply: chat.GetUnread.reply,
    handle: ({ actor, call }) => call(chat.GetUnread, { actor }),
  }),
];
