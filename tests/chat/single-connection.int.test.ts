/**
 * Chat on a single-connection database (`single: true`, how an embedded replica —
 * `services.chat.db.sync_url` — is opened): a read through `db` waits for the write in
 * progress, so a handler that read through `api.db` inside `ctx.write` would wait on the
 * lock it holds, and every chat command after it would hang. Every write handler (send, a
 * retried send, a reply, edit, mark read, delete by the author and by an admin, a delete
 * again), every read and the consumers (a join, a leave) must complete within a bound.
 * The real users and chat services on the file's broker; no gateway needed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { after, before, describe, it } from 'node:test';
import { chat, users } from '../../src/contracts/index.ts';
import { Requester, type Operation, type ReplyOf, type RequestOf, type RunningService } from '../../src/kit/index.ts';
import usersService from '../../services/users/index.ts';
import { chatService } from '../../services/chat/index.ts';
import { signUpDirect, type SignedIn } from '../support/accounts.ts';
import { client, useBroker } from '../support/broker.ts';
import { testConfig } from '../support/config.ts';
import { sleep, waitFor } from '../support/poll.ts';
import { startService } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

/** Far above what any chat operation takes; far below the requester's timeout. */
const BOUND_MS = 3000;

/** `p`, or a failure naming `what` once the bound has passed. */
async function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete within ${BOUND_MS} ms: deadlocked on the one connection?`)), BOUND_MS);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('chat: on a single-connection database nothing deadlocks', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('chat-single');
  let usersSvc: RunningService;
  let chatSvc: RunningService;
  let nc: NatsConnection;
  let requester: Requester;
  let ann: SignedIn, bo: SignedIn;
  let group: string;
  const call = <O extends Operation>(op: O, data: RequestOf<O>): Promise<ReplyOf<O>> => requester.request(op, data);
  const ask = <O extends Operation>(op: O, data: RequestOf<O>): Promise<ReplyOf<O>> => within(op.subject, call(op, data));

  before(async () => {
    const config = testConfig(dir);
    const url = broker().url;
    usersSvc = await startService(usersService, url, join(dir, 'users.db'), { settings: config, catchupMs: 500 });
    chatSvc = await startService(chatService(), url, '', { settings: config, catchupMs: 500, db: { path: join(dir, 'chat.db'), single: true } });
    nc = await client(url, 'chat-single-test');
    requester = new Requester(nc, { timeoutMs: 10_000, maxRequestBytes: 1 << 18 });
    const direct = { call };
    ann = await signUpDirect(direct, 'Ann');
    bo = await signUpDirect(direct, 'Bo');
    group = (await call(users.CreateGroup, { actor: ann.actor, name: 'Family' })).id;
    const { code } = await call(users.CreateInvite, { actor: ann.actor, groupId: group });
    await call(users.AcceptInvite, { actor: bo.actor, code });
    // The users consumer (membership and the "joined" system message) runs on the one connection too.
    await waitFor('chat knows Bo', () => within('a history read', call(chat.GetHistory, { actor: bo.actor, groupId: group })).then((r) => r.messages.some((m) => m.system?.type === 'member_joined' && m.system.userId === bo.userId)));
  });

  after(async () => {
    await nc?.close();
    // A deadlocked service never finishes its in-flight requests: do not wait on it for ever.
    await Promise.race([Promise.all([chatSvc?.stop(), usersSvc?.stop()]), sleep(5000)]);
  });

  let first: chat.Message, reply: chat.Message;

  it('sends, and answers a retried send with the first message', async () => {
    const sent = await ask(chat.SendMessage, { actor: ann.actor, groupId: group, text: 'Dinner at seven?', txnId: 'single-1' });
    assert.equal(sent.duplicate, false);
    first = sent.message;
    const again = await ask(chat.SendMessage, { actor: ann.actor, groupId: group, text: 'Dinner at seven?', txnId: 'single-1' });
    assert.deepEqual([again.duplicate, again.message.id], [true, first.id]);
  });

  it('sends a reply', async () => {
    reply = (await ask(chat.SendMessage, { actor: bo.actor, groupId: group, text: 'Yes please', txnId: 'single-2', replyTo: first.id })).message;
    assert.equal(reply.replyTo, first.id);
  });

  it('edits', async () => {
    const edited = await ask(chat.EditMessage, { actor: ann.actor, groupId: group, messageId: first.id, text: 'Dinner at eight?' });
    assert.equal(edited.text, 'Dinner at eight?');
  });

  it('moves a read marker', async () => {
    const marked = await ask(chat.MarkRead, { actor: bo.actor, groupId: group, messageId: first.id });
    assert.equal(marked.messageId, first.id);
    assert.equal((await ask(chat.MarkRead, { actor: ann.actor, groupId: group, messageId: reply.id })).unread, 0);
  });

  it('deletes (an admin another member’s message, the author their own, and again)', async () => {
    assert.equal((await ask(chat.DeleteMessage, { actor: ann.actor, groupId: group, messageId: reply.id })).text, null);
    assert.equal((await ask(chat.DeleteMessage, { actor: ann.actor, groupId: group, messageId: first.id })).text, null);
    assert.notEqual((await ask(chat.DeleteMessage, { actor: ann.actor, groupId: group, messageId: first.id })).deletedAt, null);
  });

  it('reads: history, search, unread', async () => {
    const page = await ask(chat.GetHistory, { actor: bo.actor, groupId: group });
    assert.deepEqual(page.messages.filter((m) => m.kind === 'user').map((m) => m.deletedAt !== null), [true, true]);
    assert.deepEqual((await ask(chat.SearchMessages, { actor: bo.actor, groupId: group, q: 'dinner' })).results, []);
    assert.equal((await ask(chat.GetUnread, { actor: bo.actor })).groups.length, 1);
  });

  it('tells of a member leaving (the users consumer, on the one connection)', async () => {
    await call(users.LeaveGroup, { actor: bo.actor, groupId: group });
    await waitFor('the "left" system message', async () =>
      (await ask(chat.GetHistory, { actor: ann.actor, groupId: group })).messages.some((m) => m.system?.type === 'member_left' && m.system.userId === bo.userId),
    );
  });
});
