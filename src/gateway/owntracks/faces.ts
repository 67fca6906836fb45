/**
 * Friends' faces for the OwnTracks reply, without asking the users service on every post:
 * the gateway keeps each user's face (made by the users service when the avatar is set:
 * `users.GetFaces`) for FACE_TTL_MS, and asks once per reply for the ones it lacks. A new
 * avatar is forgotten at once when its `user.profile_updated` event arrives (the users
 * service sends one for an avatar change too), and within FACE_TTL_MS at worst. When the users service cannot answer, the
 * reply goes without faces (the apps then show the tid): a post is never refused for it.
 */
import { users } from '../../contracts/index.ts';
import type { Logger, ReplyOf } from '../../kit/index.ts';
import type { Actor } from '../auth/index.ts';
import type { RequestFn as Call } from '../upstream.ts';
import { ExpiringMap } from '../expiring-map.ts';

/** How long a face is kept before it is asked for again. */
export const FACE_TTL_MS = 10 * 60_000;
/** Most ids in one `users.GetFaces` (its contract's bound). */
const FACES_PER_ASK = 500;
/** Most faces kept (each a few KB): the oldest go first. */
const MAX_FACES = 5000;

/**
 * Faces by user id, each kept for FACE_TTL_MS.
 *
 * @example
 * const faces = await cache.facesFor(['0190…'], (ids) => call(users.GetFaces, { actor, userIds: ids }));
 */
export class FaceCache {
  readonly #now: () => number;
  readonly #faces = new ExpiringMap<string, string | null>(MAX_FACES);

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The faces of `userIds` (null: none), asking `fetch` only for those not kept or kept too long. */
  async facesFor(userIds: readonly string[], fetch: (ids: string[]) => Promise<ReplyOf<typeof users.GetFaces>>): Promise<Map<string, string | null>> {
    const now = this.#now();
    const out = new Map<string, string | null>();
    const missing: string[] = [];
    for (const id of userIds) {
      const kept = this.#faces.get(id, now);
      if (kept !== undefined) out.set(id, kept);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    // GetFaces takes at most FACES_PER_ASK ids at a time.
    for (let i = 0; i < missing.length; i += FACES_PER_ASK) {
      for (const { userId, face } of (await fetch(missing.slice(i, i + FACES_PER_ASK))).faces) {
        out.set(userId, face);
        this.#faces.set(userId, face, now + FACE_TTL_MS, now);
      }
    }
    return out;
  }

  /** Drops the face kept for `userId` (their avatar changed). */
  forget(userId: string): void {
    this.#faces.delete(userId);
  }
}

// One cache per gateway (its deps object), without adding to what every gateway is built with.
const caches = new WeakMap<object, FaceCache>();

/**
 * The faces of `userIds` as the actor may see them, or none when the users service cannot say.
 *
 * @example
 * const faces = await friendFaces(deps, call, actor, friends.map((f) => f.userId));
 */
export async function friendFaces(deps: { now: () => number; log: Logger }, call: Call, actor: Actor, userIds: readonly string[]): Promise<Map<string, string | null>> {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, (cache = new FaceCache(deps.now)));
  try {
    return await cache.facesFor(userIds, (ids) => call(users.GetFaces, { actor, userIds: ids }));
  } catch (err) {
    deps.log.warn('owntracks: friends\u2019 faces not had; the reply goes without them', { err: err instanceof Error ? err.message : String(err) });
    return new Map();
  }
}

/** Forgets the face this gateway keeps for `userId`, so the next reply asks for the new one. */
export function forgetFace(deps: object, userId: string): void {
  caches.get(deps)?.forget(userId);
}
