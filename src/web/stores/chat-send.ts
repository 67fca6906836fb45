/**
 * Writing in the chat: a message goes through the outbox (so it survives being offline and
 * a reload) with its `txnId`, which makes any retry harmless — the API answers the first
 * message again with `duplicate: true`. Until it is sent it shows as pending ("Sending…");
 * one the API refuses for good stays as "Not sent" until it is sent again or removed.
 * Editing and deleting are plain requests (they need the network).
 */
import { computed, signal } from '@preact/signals';
import { api, type ApiError } from '../api/client.ts';
import { enqueue, onOutcome, pending, registerSender } from '../api/outbox.ts';
import type { Message } from '../api/types.ts';
import { newId } from '../lib/ids.ts';
import { patchMessage, threads, upsert } from './chat-history.ts';

/** What a queued message carries. */
export interface Outgoing {
  groupId: string;
  text: string;
  txnId: string;
}

/** A message of mine not (yet) in the conversation. */
export interface Pending extends Outgoing {
  /** Set when the API refused it for good. */
  error?: ApiError;
}

/** The longest message, in characters (as the API counts them: UTF-16 units). */
export const MAX_TEXT = 4000;

const KIND = 'message';
/** Refused sends, kept so they can be sent again or removed. */
const refused = signal<Pending[]>([]);

/** My pending messages per group: queued, then refused ones; none already in the conversation. */
export const outgoing = computed<Record<string, Pending[]>>(() => {
  const byGroup: Record<string, Pending[]> = {};
  const queued = pending.value.filter((i) => i.kind === KIND).map((i) => i.payload as Outgoing);
  for (const p of [...queued, ...refused.value]) {
    if (threads.value[p.groupId]?.messages.some((m) => m.txnId === p.txnId)) continue;
    (byGroup[p.groupId] ??= []).push(p);
  }
  return byGroup;
});

/** Why a text cannot be sent, or undefined when it can. */
export function textProblem(text: string): 'empty' | 'long' | undefined {
  if (!text.trim()) return 'empty';
  if (text.length > MAX_TEXT) return 'long';
  return undefined;
}

/**
 * Queues a message; it is sent now, or as soon as the API can be reached.
 *
 * @example
 * await sendMessage(groupId, 'On my way home');
 */
export async function sendMessage(groupId: string, text: string, txnId = newId()): Promise<void> {
  await enqueue<Outgoing>(KIND, { groupId, text, txnId }, txnId);
}

/** Sends a refused message again (same txnId: it can never arrive twice). */
export function sendAgain(p: Pending): Promise<void> {
  forget(p.txnId);
  return sendMessage(p.groupId, p.text, p.txnId);
}

/** Gives up on a refused message. */
export function forget(txnId: string): void {
  refused.value = refused.value.filter((p) => p.txnId !== txnId);
}

/** Changes the text of a message of mine. */
export async function editMessage(groupId: string, messageId: string, text: string): Promise<void> {
  const m = await api<Message>('PATCH', `/v1/groups/${groupId}/messages/${messageId}`, { body: { text } });
  patchMessage(groupId, messageId, m);
}

/** Deletes a message (mine, or anyone's for an admin): it stays as "Message deleted". */
export async function deleteMessage(groupId: string, messageId: string): Promise<void> {
  const m = await api<Message>('DELETE', `/v1/groups/${groupId}/messages/${messageId}`);
  patchMessage(groupId, messageId, m);
}

/** Forgets refused sends (sign-out). */
export function clearRefused(): void {
  refused.value = [];
}

registerSender<Outgoing>(KIND, async (p) => {
  const r = await api<{ message: Message; duplicate: boolean }>('POST', `/v1/groups/${p.groupId}/messages`, { body: { text: p.text, txnId: p.txnId } });
  // In the conversation before the outbox lets go of it, so it never blinks out.
  upsert(p.groupId, { ...r.message, txnId: p.txnId });
});

onOutcome((o) => {
  if (o.ok || o.item.kind !== KIND) return;
  refused.value = [...refused.value, { ...(o.item.payload as Outgoing), error: o.error }];
});
