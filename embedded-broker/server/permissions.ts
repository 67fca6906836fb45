/**
 * Publish and subscribe permissions of one user, checked as nats-server does
 * (server/client.go canSubscribe, pubAllowedFullCheck): an allow list, if present, must
 * match; a deny list, if it matches, wins. Wildcard subscriptions are matched against
 * the lists token by token, and a deny inside a wildcard subscription filters delivery.
 */
import type { Permissions, ResponsePermission } from './options.ts';
import { Sublist, type SubLike } from './sublist.ts';
import { hasWildcard, isSubsetMatch, subjectsIntersect } from './subject.ts';

interface Entry extends SubLike {
  subject: string;
  queue?: string;
}

function sublistOf(subjects: string[] | undefined, withQueues: boolean): Sublist<Entry> | undefined {
  if (!subjects) return undefined;
  const sl = new Sublist<Entry>();
  for (const s of subjects) {
    // Subscribe entries may be "subject queue" (nats-server's splitSubjectQueue).
    const [subject, queue] = withQueues ? s.trim().split(/\s+/) : [s];
    sl.insert({ subject: subject!, queue: withQueues ? queue : undefined });
  }
  return sl;
}

const CACHE_MAX = 1024;

/** A user's compiled permissions. */
export class PermissionSet {
  readonly response?: ResponsePermission;
  private readonly pubAllow?: Sublist<Entry>;
  private readonly pubDeny?: Sublist<Entry>;
  private readonly subAllow?: Sublist<Entry>;
  private readonly subDeny?: Sublist<Entry>;
  private readonly subDenyList: string[];
  private readonly pubCache = new Map<string, boolean>();

  constructor(p: Permissions) {
    this.response = p.allowResponses;
    // allow_responses with no publish allow list turns the blanket allow off (auth.go).
    const pubAllow = p.publish?.allow ?? (p.allowResponses ? [] : undefined);
    this.pubAllow = sublistOf(pubAllow, false);
    this.pubDeny = p.publish?.deny?.length ? sublistOf(p.publish.deny, false) : undefined;
    this.subAllow = p.subscribe?.allow?.length ? sublistOf(p.subscribe.allow, true) : undefined;
    this.subDeny = p.subscribe?.deny?.length ? sublistOf(p.subscribe.deny, true) : undefined;
    this.subDenyList = p.subscribe?.deny ?? [];
  }

  /** Whether the user may publish to `subject` by its lists (responses are the client's). */
  canPublish(subject: string): boolean {
    if (!this.pubAllow && !this.pubDeny) return true;
    const hit = this.pubCache.get(subject);
    if (hit !== undefined) return hit;
    let ok = !this.pubAllow || this.pubAllow.match(subject).psubs.length > 0;
    if (ok && this.pubDeny) ok = this.pubDeny.match(subject).psubs.length === 0;
    if (this.pubCache.size >= CACHE_MAX) this.pubCache.clear();
    this.pubCache.set(subject, ok);
    return ok;
  }

  /**
   * Whether the user may subscribe to `subject`, in `queue` when given. As nats-server's
   * canSubscribe: queue-scoped allow entries decide for a queue subscription when any
   * match. Deny is stricter than nats-server's: a bare deny entry refuses every queue
   * too, where nats-server lets a queue through when another deny entry names a queue.
   */
  canSubscribe(subject: string, queue?: string): boolean {
    if (this.subAllow) {
      const r = this.subAllow.match(subject);
      let ok = r.psubs.length > 0;
      if (queue !== undefined && r.qsubs.length > 0) ok = queueMatches(queue, r.qsubs);
      if (!ok) return false;
    }
    if (this.subDeny) {
      const r = this.subDeny.match(subject);
      if (r.psubs.length > 0) return false;
      if (queue !== undefined && r.qsubs.length > 0 && queueMatches(queue, r.qsubs)) return false;
    }
    return true;
  }

  /** Whether a message on `subject` must be withheld from a wildcard subscription. */
  deniesDelivery(subscription: string, subject: string): boolean {
    if (!this.subDeny || !hasWildcard(subscription)) return false;
    if (!this.subDenyList.some((d) => subjectsIntersect(d.split(/\s+/)[0]!, subscription))) return false;
    return this.subDeny.match(subject).psubs.length > 0;
  }

  /** True when some wildcard subscription needs per-message deny checks. */
  get hasSubDeny(): boolean {
    return this.subDeny !== undefined;
  }
}

/** nats-server's queueMatches: a queue entry's name may itself hold wildcards (`v1.*`). */
function queueMatches(queue: string, qsubs: Entry[][]): boolean {
  return qsubs.some((members) => {
    const name = members[0]!.queue!;
    return queue === name || (hasWildcard(name) && isSubsetMatch(queue, name));
  });
}
