/**
 * The location service's messages about a member's phones (the OwnTracks app): the
 * secret their phones encrypt with, and the encrypted messages Hearth could not read yet,
 * held until the right secret is set (docs/api.md, "OwnTracks: what Hearth does with each
 * message"). Re-exported by `location.ts`, so they are `location.SetPhoneKey` and so on.
 * Only the gateway asks for the secret itself (`GetPhoneKey`); no answer it gives a client
 * ever carries it.
 */
import * as v from 'valibot';
import { command, event, query } from '../kit/index.ts';
import { Actor, Id } from './users.ts';

const S = 'location';
const Device = v.pipe(v.string(), v.regex(/^[\w.@:-]{1,64}$/, 'must be 1–64 letters, digits or ._@:-'));

/** The longest secret Hearth keeps (the apps use at most the first 32 bytes of it). */
export const PHONE_KEY_MAX = 256;
/**
 * The largest held message: an `encrypted` message's `data` (base64), below the default
 * `kit.max_request_bytes` (256 KiB) with room for the rest of the request. A real
 * encrypted location is under 1 kB; only one carrying a POI photo is bigger.
 */
export const HELD_DATA_MAX = 200_000;
/** A page of held messages stays under this many bytes of `data` (the broker's messages are at most 1 MiB). */
export const HELD_PAGE_BYTES = 600_000;

/** Why a phone's message could not be read: no secret set, or one that does not open it. */
export const UnreadableReason = v.picklist(['no_key', 'wrong_key']);
export type UnreadableReason = v.InferOutput<typeof UnreadableReason>;

/** Sets (a string) or removes (`null`) the secret the actor's phones encrypt with. */
export const SetPhoneKey = command(S, 'set_phone_key', {
  version: 1,
  request: v.strictObject({ actor: Actor, key: v.nullable(v.pipe(v.string(), v.minLength(1, 'must not be empty (null removes it)'), v.maxLength(PHONE_KEY_MAX))) }),
  reply: v.object({ keySet: v.boolean(), held: v.number() }),
});

/** The actor's secret (`null`: none) and how many of their messages are held: for the gateway only, never shown to anyone. */
export const GetPhoneKey = query(S, 'phone_key', {
  version: 1,
  request: v.strictObject({ actor: Actor }),
  reply: v.object({ key: v.nullable(v.string()), held: v.number() }),
});

/**
 * Keeps an encrypted message Hearth could not read (bounded per user, for
 * `location.phone_held_days`); refused with `location.phone_hold_full` (503: the phone keeps
 * it and sends it again) when the user's hold is full. The first one since the secret was
 * last set publishes `PhoneUnreadable`.
 */
export const HoldPhoneMessage = command(S, 'hold_phone_message', {
  version: 1,
  request: v.strictObject({ actor: Actor, device: Device, data: v.pipe(v.string(), v.minLength(1), v.maxLength(HELD_DATA_MAX)), reason: UnreadableReason }),
  reply: v.object({ held: v.number() }),
});

/** One held message. */
export const HeldMessage = v.object({ id: Id, device: v.string(), data: v.string(), heldAt: v.string() });
export type HeldMessage = v.InferOutput<typeof HeldMessage>;

/** The actor's held messages, oldest first, after `after` (an id), at most `limit` and `HELD_PAGE_BYTES` (always at least one). */
export const ListHeldPhoneMessages = query(S, 'held_phone_messages', {
  version: 1,
  request: v.strictObject({ actor: Actor, after: v.optional(Id), limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 50) }),
  reply: v.object({ messages: v.array(HeldMessage) }),
});

/** Forgets held messages once they have been handled. */
export const ReleaseHeldPhoneMessages = command(S, 'release_held_phone_messages', {
  version: 1,
  request: v.strictObject({ actor: Actor, ids: v.pipe(v.array(Id), v.maxLength(200)) }),
  reply: v.object({ released: v.number() }),
});

/**
 * A phone of `userId` sends encrypted messages Hearth cannot read yet (they are held):
 * published at most once per user until their secret is set again.
 */
export const PhoneUnreadable = event(S, 'phone.unreadable', {
  version: 1,
  data: v.object({ userId: Id, device: v.string(), reason: UnreadableReason, at: v.string() }),
});
