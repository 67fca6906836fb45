/**
 * The account-deletion saga, orchestrated here (docs/sagas.md, "Deleting an account"). It
 * starts in the transaction of `DeleteAccount` (handlers/delete-account.ts), which marks the
 * account `deleting_saga`: sign-in stops at once and the person's sessions may only follow
 * the deletion. Steps:
 *
 * 1. `leave_groups` (local, after the grace period `users.deletion_grace_s`; the last moment
 *    a sign-in can cancel): groups where the person is alone are deleted (`group.deleted`),
 *    the others left (`group.member_left`); the reply keeps the seq of the last membership
 *    event, which every participant must have read before it erases.
 * 2. `erase_location`, `erase_chat`, `erase_notifications`, `erase_gateway`: each
 *    participant erases or anonymises what it holds and confirms.
 * 3. `delete_account` (local, last): sessions end (`session.revoked`), the account's rows
 *    go, users' own events about the person are erased (or anonymised where a group lives
 *    on), and `user.deleted` is appended: the gateway ends their streams and tokens.
 */
import * as v from 'valibot';
import { membership, sagas, users } from '../../../src/contracts/index.ts';
import { call, forgetIdempotency, listSagas, loadSteps, local, saga, sagaView, type SagaDefinition, type SagaHandle, type WriteTx } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { requireActor, roleOf } from '../store/actors.ts';
import { deleteGroup } from '../store/groups.ts';
import { revokeSessions, RevokeReason } from '../store/sessions.ts';

const Input = v.object({ userId: users.Id });
/** The saga's input: whom (ids only: it stays in the database). */
export type AccountDeletionInput = v.InferOutput<typeof Input>;

/** What `leave_groups` records for the steps after it. */
const Left = v.object({ afterSeq: v.number(), soloGroupIds: v.array(v.string()) });
type Left = v.InferOutput<typeof Left>;

/** The name a deleted account leaves where its events must stay (a group it created lives on). */
export const DELETED_NAME = 'Deleted account';

const ERASE_STEPS = [
  ['erase_location', sagas.AccountDeletionEraseLocation],
  ['erase_chat', sagas.AccountDeletionEraseChat],
  ['erase_notifications', sagas.AccountDeletionEraseNotifications],
  ['erase_gateway', sagas.AccountDeletionEraseGateway],
] as const;

/** The groups `userId` is in, with their role and member count. */
async function groupsOfUser(tx: Pick<WriteTx, 'query'>, userId: string) {
  const rows = await tx.query(
    `SELECT m.group_id, m.role, (SELECT count(*) FROM members c WHERE c.group_id = m.group_id) AS n FROM members m WHERE m.user_id = ? ORDER BY m.joined_at`,
    [userId],
  );
  return rows.map((r) => ({ groupId: String(r.group_id), owner: membership.isOwner(roleOf(r)), members: Number(r.n) }));
}

/** Throws `users.owner_must_transfer` (listing them) while `userId` owns groups with other members. */
export async function refuseOwnerOfOthers(tx: Pick<WriteTx, 'query'>, userId: string): Promise<void> {
  const blocking = (await groupsOfUser(tx, userId)).filter((g) => g.owner && g.members > 1).map((g) => g.groupId);
  if (blocking.length) throw UsersError.ownerMustTransfer({ groupIds: blocking });
}

async function leaveGroups(tx: WriteTx, userId: string): Promise<Left> {
  await refuseOwnerOfOthers(tx, userId); // someone may have joined a solo group during the grace period
  const soloGroupIds: string[] = [];
  for (const g of await groupsOfUser(tx, userId)) {
    if (g.owner) {
      await deleteGroup(tx, g.groupId);
      soloGroupIds.push(g.groupId);
    } else {
      await tx.execute('DELETE FROM members WHERE group_id = ? AND user_id = ?', [g.groupId, userId]);
      await tx.append(users.MemberLeft, { groupId: g.groupId, userId });
    }
  }
  // Every participant's membership consumer handles these types (and stores its checkpoint
  // with each), so "read up to this seq" always becomes true; a stepped-over type might not.
  const types = membership.MEMBERSHIP_TYPES;
  const [row] = await tx.query(`SELECT coalesce(max(seq), 0) AS seq FROM kit_events WHERE type IN (${types.map(() => '?').join(', ')})`, [...types]);
  return { afterSeq: Number(row?.seq ?? 0), soloGroupIds };
}

/** Users' own events that may name the person. */
const NAMING = [users.UserRegistered, users.UserProfileUpdated, users.MemberJoined, users.GroupCreated, users.GroupRenamed, users.MemberLeft, users.MemberRemoved, users.MemberRoleChanged].map((t) => t.type);

/**
 * Erases users' own events about the person (their registration, renames, joins) and the
 * events of their solo groups; a group they created that lives on keeps its `group.created`
 * with the owner's name replaced (a rebuild still needs the group). `user.deleted` and
 * `session.revoked` carry ids only and stay.
 */
async function scrubLog(tx: WriteTx, d: Deps, userId: string, solo: ReadonlySet<string>): Promise<number> {
  const erase: number[] = [];
  for (let after = 0; ; ) {
    const page = await d.api.events.scan(tx, NAMING, after);
    if (!page.length) break;
    after = page.at(-1)!.seq;
    for (const e of page) {
      const data = e.data as { userId?: string; ownerId?: string; groupId?: string };
      if (data.groupId !== undefined && solo.has(data.groupId)) erase.push(e.seq);
      else if (e.type === users.GroupCreated.type && data.ownerId === userId) await d.api.events.redact(tx, e.seq, { ...(e.data as object), ownerName: DELETED_NAME });
      else if (data.userId === userId) erase.push(e.seq);
    }
  }
  if (erase.length) await d.api.events.erase(tx, { seqs: erase });
  return erase.length;
}

async function deleteAccount(tx: WriteTx, d: Deps, userId: string, left: Left): Promise<void> {
  await revokeSessions(tx, d, userId, RevokeReason.AccountDeleted);
  await tx.execute('DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = ?)', [userId]);
  for (const t of ['sessions', 'app_passwords', 'members', 'two_factor', 'recovery_codes', 'external_identities']) await tx.execute(`DELETE FROM ${t} WHERE user_id = ?`, [userId]);
  await tx.execute('DELETE FROM users WHERE id = ?', [userId]);
  await scrubLog(tx, d, userId, new Set(left.soloGroupIds));
  await forgetIdempotency(tx, [userId, ...left.soloGroupIds]);
  await tx.append(users.UserDeleted, { userId });
}

/** The saga ended without erasing (cancelled, or refused): sign-in works again (a sign-in that cancelled did this already). */
async function endDeletion(tx: WriteTx, { input }: { input: AccountDeletionInput }): Promise<void> {
  const rs = await tx.execute('UPDATE users SET deleting_saga = NULL WHERE id = ? AND deleting_saga IS NOT NULL', [input.userId]);
  if (rs.rowsAffected) await tx.append(sagas.AccountDeletionWithdrawn, { userId: input.userId });
}

/** The saga, timed by the service's settings. */
export function accountDeletionSaga(d: Deps) {
  const left = (results: Readonly<Record<string, unknown>>): Left => v.parse(Left, results.leave_groups);
  return saga<AccountDeletionInput>({
    type: sagas.ACCOUNT_DELETION,
    input: Input,
    cancellableUntil: 'leave_groups',
    steps: [
      local({ name: 'leave_groups', delayMs: d.settings.deletionGraceMs, run: (tx, { input }) => leaveGroups(tx, input.userId) }),
      ...ERASE_STEPS.map(([name, send]) =>
        call({
          name,
          send,
          request: ({ input, results }: { input: AccountDeletionInput; results: Readonly<Record<string, unknown>> }) => ({ userId: input.userId, ...left(results) }),
          retry: { initialMs: 200, maxMs: 10_000 },
        }),
      ),
      local({ name: 'delete_account', run: (tx, { input, results }) => deleteAccount(tx, d, input.userId, left(results)) }),
    ],
    // A refusal (an owner again, by someone joining during the grace period) or a cancel: the account stays, sign-in works again.
    onFailed: endDeletion,
    onCancelled: endDeletion,
  });
}

/** The person's view of their deletion (the newest saga under their key). */
async function progress(d: Deps, userId: string, def: ReturnType<typeof accountDeletionSaga>): Promise<sagas.AccountDeletionProgress> {
  const [s] = await listSagas(d.db, { type: sagas.ACCOUNT_DELETION, key: sagas.accountDeletionKey(userId), limit: 1 });
  if (!s) throw UsersError.noAccountDeletion();
  const view = sagaView(s, await loadSteps(d.db, s.id), def as unknown as SagaDefinition<unknown>, 'users');
  const first = view.steps[0];
  const waitingForGrace = view.state === 'running' && first?.status === 'pending';
  const current = view.steps.find((x) => x.name === view.step);
  return {
    sagaId: view.id,
    status: view.state,
    step: view.step,
    steps: view.steps.map((x) => ({ name: x.name, participant: x.participant, status: x.status })),
    graceEndsAt: waitingForGrace ? view.nextAttemptAt : null,
    error: current?.lastError ?? null,
    startedAt: view.createdAt,
  };
}

/**
 * Registers the saga and `GetAccountDeletion`; returns the saga's handle (for
 * `DeleteAccount` and the sign-in that cancels).
 *
 * @example
 * const deletion = mountAccountDeletion(d);
 */
export function mountAccountDeletion(d: Deps): SagaHandle<AccountDeletionInput> {
  const def = accountDeletionSaga(d);
  const handle = d.api.saga(def);
  d.api.handle(sagas.GetAccountDeletion, async (req) => {
    await requireActor(d.db, req.actor, { deleting: true });
    return progress(d, req.actor.userId, def);
  });
  return handle;
}
