/**
 * The contracts of the account-deletion saga (docs/sagas.md, "Deleting an account"): the
 * orchestrator's (users) status query, the participants' erase steps (`sagaCommand`) and
 * the rule every participant applies before it erases: its consumer of users' events must
 * have read the saga's own membership events (the person leaving their groups), or a late
 * `member_left` would write the person's name again after the erasure (chat's "… left",
 * notifications' texts).
 */
import * as v from 'valibot';
import { event, query, sagaCommand } from '../../kit/index.ts';
import { Actor, Id } from '../users.ts';

/** The saga's type (its key is `user:<id>`). */
export const ACCOUNT_DELETION = 'delete_account';

/** The key of a person's deletion saga. */
export const accountDeletionKey = (userId: string): string => `user:${userId}`;

/** What `DELETE /v1/me` answers (202): the saga and its state. */
export const AccountDeletionStarted = v.object({ sagaId: Id, status: v.string() });

/** One step of the deletion as the person sees it. */
export const AccountDeletionStep = v.object({ name: v.string(), participant: v.string(), status: v.string() });

/**
 * How far a person's deletion has got: `status` is the saga's state (running, compensating,
 * completed, failed, cancelled); `graceEndsAt` is when erasure begins (until then signing
 * in again cancels it); `error` is the last error of a step being retried (a participant down).
 */
export const AccountDeletionProgress = v.object({
  sagaId: Id,
  status: v.string(),
  step: v.nullable(v.string()),
  steps: v.array(AccountDeletionStep),
  graceEndsAt: v.nullable(v.string()),
  error: v.nullable(v.object({ code: v.string(), message: v.string() })),
  startedAt: v.string(),
});
export type AccountDeletionProgress = v.InferOutput<typeof AccountDeletionProgress>;

/**
 * The actor's deletion: the running one, else the last one (`users.no_account_deletion`,
 * not_found, when there was none). The person's own sessions may ask this while every other
 * request of theirs is refused (`users.account_deleting`).
 *
 * @example
 * const p = await api.request(sagas.GetAccountDeletion, { actor }); // { status: 'running', step: 'erase_chat', … }
 */
export const GetAccountDeletion = query('users', 'account_deletion', {
  version: 1,
  request: v.strictObject({ actor: Actor }),
  reply: AccountDeletionProgress,
});

/**
 * Users' events about a deletion under way (ids only): the gateway lets the person's
 * sessions do nothing but follow it (and sign out) from `requested` until `withdrawn`
 * (cancelled by a sign-in within the grace period, or failed) or `user.deleted`.
 */
export const AccountDeletionRequested = event('users', 'user.deletion_requested', { version: 1, data: v.object({ userId: Id }) });
export const AccountDeletionWithdrawn = event('users', 'user.deletion_withdrawn', { version: 1, data: v.object({ userId: Id }) });

/** What every participant's erase step gets: whom, the users-log seq to have read first, and the person's groups that went with them. */
export const AccountDeletionEraseRequest = v.object({
  userId: Id,
  /** The seq of the last users event the saga appended about the person's groups (0: none): read it before erasing. */
  afterSeq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Groups where the person was alone, deleted with the account: erased here too. */
  soloGroupIds: v.pipe(v.array(Id), v.maxLength(1000)),
});

/** A participant's confirmation: counts, never names (replies are kept). */
export const AccountDeletionErased = v.object({ erased: v.number() });

const erase = (participant: string) => sagaCommand(participant, 'account_deletion_erase', { version: 1, request: AccountDeletionEraseRequest, reply: AccountDeletionErased });

/** Location erases the person's positions, tracks, journeys, suggestions and phones, and their solo groups. */
export const AccountDeletionEraseLocation = erase('location');
/** Chat anonymises what the person wrote (rows and events), drops their read markers, erases their solo groups. */
export const AccountDeletionEraseChat = erase('chat');
/** Notifications erases the person's inbox, preferences and targets, and every other member's notification about them. */
export const AccountDeletionEraseNotifications = erase('notifications');
/** The gateway forgets the person's stored idempotent answers (its read model follows users' events). */
export const AccountDeletionEraseGateway = erase('gateway');
