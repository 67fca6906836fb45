/**
 * Chat: each group's conversation, what I am sending, unread counts with the read marker,
 * and typing indicators — the public face of the `chat-*.ts` stores, and the one place the
 * stream's chat events (`message.sent`, `message.edited`, `message.deleted`,
 * `read.marker_moved`, typing) reach them. Imported at start (views/index.ts), so the Chat
 * tab's badge counts whatever view is open.
 */
import { api } from '../api/client.ts';
import { auth, onSessionEnd } from '../api/session.ts';
import { onEvent, onSync, onTyping, type StreamEvent } from '../api/stream.ts';
import type { Message } from '../api/types.ts';
import { clearThreads, loadNewest, patchMessage, threads, upsert } from './chat-history.ts';
import { clearRefused } from './chat-send.ts';
import { clearTyping, sawTyping, stoppedTyping } from './chat-typing.ts';
import { clearUnread, loadUnread, reloadUnreadSoon, restoreUnread } from './chat-unread.ts';

export { threads, openThread, loadOlder, showAround, showNewest, type Thread, type ChatMessage } from './chat-history.ts';
export { outgoing, sendMessage, sendAgain, forget, editMessage, deleteMessage, textProblem, MAX_TEXT, type Pending } from './chat-send.ts';
export { unread, unreadChat, markSeen, loadUnread } from './chat-unread.ts';
export { typing, typists, tellTyping } from './chat-typing.ts';

/** One search hit: the message and a snippet whose matches are between `[` and `]`. */
export interface SearchResult {
  message: Message;
  snippet: string;
}

/** Searches a group's messages (words; the last may be a prefix), best match first. */
export async function searchMessages(groupId: string, q: string): Promise<SearchResult[]> {
  const { results } = await api<{ results: SearchResult[] }>('GET', `/v1/groups/${groupId}/messages/search?q=${encodeURIComponent(q)}&limit=30`);
  return results;
}

function onMessageEvent(e: StreamEvent): void {
  const d = e.event.data;
  const groupId: string = e.groupId ?? d.groupId;
  switch (e.event.type) {
    case 'message.sent': {
      const m: Omit<Message, 'seq'> = d.message;
      upsert(groupId, { ...m, seq: e.event.seq, txnId: d.txnId ?? null });
      stoppedTyping(groupId, m.authorId);
      if (m.authorId !== auth.value?.userId) reloadUnreadSoon();
      break;
    }
    case 'message.edited':
      patchMessage(groupId, d.messageId, { text: d.text, editedAt: d.editedAt });
      break;
    case 'message.deleted':
      patchMessage(groupId, d.messageId, { text: null, deletedAt: d.deletedAt });
      reloadUnreadSoon();
      break;
  }
}

onEvent('message.', onMessageEvent);
// My marker moved on another device (or here): the counts follow.
onEvent('read.marker_moved', (e) => {
  if (e.event.data.userId === auth.value?.userId) reloadUnreadSoon();
});
// Joining a group: its "… joined the group" line may be written before the gateway knows I
// am in it, and then never reach my stream — asked for now, it is counted either way.
onEvent('group.member_joined', (e) => {
  if (e.event.data.userId === auth.value?.userId) reloadUnreadSoon();
});
onTyping((t) => sawTyping(t.groupId, t.userId));
// First connection, or the server lost track of what was missed: ask again.
onSync(() => {
  reloadUnreadSoon(0);
  for (const groupId of Object.keys(threads.value)) void loadNewest(groupId);
});
// Signed in (or starting offline): the last known counts until the stream connects.
let signedIn: string | undefined;
auth.subscribe((a) => {
  if (a?.userId && a.userId !== signedIn) void restoreUnread();
  signedIn = a?.userId;
});
onSessionEnd(() => {
  clearThreads();
  clearRefused();
  clearUnread();
  clearTyping();
});
