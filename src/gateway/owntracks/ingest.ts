/**
 * What Hearth does with OwnTracks messages once they are readable, shared by the route
 * (one message per post) and by the drain of held messages (many at once, when the user
 * sets the secret their phones encrypt with): positions go to `RecordFixes` with
 * `clampFuture` (a phone whose clock runs fast is never refused), waypoints to
 * `ImportWaypoints`. The calls are passed in, so this file needs no broker of its own.
 */
import { location } from '../../contracts/index.ts';
import type { Logger } from '../../kit/index.ts';
import type { Actor } from '../auth/index.ts';
import type { RequestFn as Call } from '../upstream.ts';
import { open } from './crypto.ts';
import { DEFAULT_DEVICE, deviceOf } from './device.ts';
import { parseOwnTracks, type OwnTracksMessage } from './payload.ts';
import { toFix, toWaypoints } from './translate.ts';


/** Records what one message carries, sent from `device`. */
export async function ingest(call: Call, actor: Actor, msg: OwnTracksMessage, device: string): Promise<void> {
  const fix = toFix(msg, device);
  if (fix) await call(location.RecordFixes, { actor, fixes: [fix], device: fix.device, clampFuture: true });
  const waypoints = toWaypoints(msg);
  if (waypoints.length) await call(location.ImportWaypoints, { actor, waypoints });
}

/**
 * Opens an `encrypted` message's data and reads the message inside: `null` when the secret
 * does not open it. A box that opens but holds no OwnTracks message is the phone's own
 * malformed message: `owntracks.invalid_payload`, as in the clear.
 */
export function unseal(data: string, secret: string): OwnTracksMessage | null {
  const plain = open(data, secret);
  if (plain === null) return null;
  let body: unknown;
  try {
    body = JSON.parse(plain);
  } catch {
    body = plain; // parseOwnTracks refuses it with the usual problem
  }
  const msg = parseOwnTracks(body);
  return msg.kind === 'encrypted' ? { kind: 'ignored', type: 'encrypted' } : msg; // a box in a box: nothing the apps send
}

const PAGE = 100;
const draining = new Map<string, Promise<DrainResult>>();
// What the last drain per user left held, and with which secret: messages another secret
// sealed may wait for days, and a post must not try them all again each time.
const left = new Map<string, { secret: string; held: number }>();
const MEMO_MAX = 10_000;

/** What a drain did: messages handled (and released), and those still held (another secret). */
export interface DrainResult {
  processed: number;
  held: number;
}

/**
 * Handles the user's held messages that `secret` opens, oldest first, through the same path
 * as a post (fixes batched per device), and releases each page once it is handled; the ones
 * it does not open stay held. One drain per user at a time in this process: `wait` waits
 * for a running one and then drains again (a new secret), otherwise a running drain is
 * joined, and none starts when the last one with this secret left exactly `held` behind. A crash mid-drain leaves the rest held, to be drained on the phone's next post.
 */
export function drainHeld(call: Call, actor: Actor, secret: string, log: Logger, wait = false, held?: number): Promise<DrainResult> {
  const running = draining.get(actor.userId);
  if (running && !wait) return running;
  const last = left.get(actor.userId);
  if (!wait && last && last.secret === secret && last.held === held) return Promise.resolve({ processed: 0, held: last.held });
  const next = (running ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => drainAll(call, actor, secret, log))
    .then((r) => {
      if (left.size >= MEMO_MAX) left.clear();
      left.set(actor.userId, { secret, held: r.held });
      return r;
    });
  draining.set(actor.userId, next);
  const done = () => void (draining.get(actor.userId) === next && draining.delete(actor.userId));
  next.then(done, done);
  return next;
}

async function drainAll(call: Call, actor: Actor, secret: string, log: Logger): Promise<DrainResult> {
  let after: string | undefined;
  let processed = 0;
  let held = 0;
  for (;;) {
    const { messages } = await call(location.ListHeldPhoneMessages, { actor, ...(after ? { after } : {}), limit: PAGE });
    if (messages.length === 0) return { processed, held };
    after = messages.at(-1)!.id;
    const done: string[] = [];
    const fixes = new Map<string, location.Fix[]>();
    for (const m of messages) {
      let msg: OwnTracksMessage | null;
      try {
        msg = unseal(m.data, secret);
      } catch {
        log.warn('a held OwnTracks message opened but is not a message; released', { userId: actor.userId, device: m.device });
        done.push(m.id);
        continue;
      }
      if (!msg) {
        held += 1;
        continue;
      }
      const topic = 'topic' in msg && typeof msg.topic === 'string' ? msg.topic : undefined;
      // Held under the header's device; with none (the default), the sealed topic may name it.
      const device = deviceOf({ topic, headers: m.device === DEFAULT_DEVICE ? {} : { 'x-limit-d': m.device } }).device;
      const fix = toFix(msg, device);
      if (fix) fixes.set(fix.device!, [...(fixes.get(fix.device!) ?? []), fix]);
      else await ingest(call, actor, msg, device);
      done.push(m.id);
    }
    for (const [device, list] of fixes) await call(location.RecordFixes, { actor, fixes: list, device, clampFuture: true });
    await call(location.ReleaseHeldPhoneMessages, { actor, ids: done });
    processed += done.length;
  }
}
