/**
 * The subscription index: a trie over subject tokens with `*` and `>` branches, and a
 * bounded cache of match results for literal subjects (most traffic repeats subjects).
 */

/** What the sublist needs of a subscription. */
export interface SubLike {
  readonly subject: string;
  readonly queue?: string;
}

/** Plain subscribers, and the members of each matching queue group. */
export interface MatchResult<S> {
  psubs: S[];
  qsubs: S[][];
}

interface Node<S> {
  literal: Map<string, Node<S>>;
  pwc?: Node<S>;
  fwc?: Node<S>;
  psubs: Set<S>;
  qsubs: Map<string, Set<S>>;
}

const CACHE_MAX = 4096;

function newNode<S>(): Node<S> {
  return { literal: new Map(), psubs: new Set(), qsubs: new Map() };
}

/** A subject-indexed set of subscriptions. */
export class Sublist<S extends SubLike> {
  private root: Node<S> = newNode();
  private cache = new Map<string, MatchResult<S>>();
  private n = 0;

  /** How many subscriptions are stored. */
  get count(): number {
    return this.n;
  }

  /** Adds a subscription; its subject must already be valid. */
  insert(sub: S): void {
    let node = this.root;
    for (const t of sub.subject.split('.')) {
      if (t === '>') node = node.fwc ??= newNode();
      else if (t === '*') node = node.pwc ??= newNode();
      else {
        let next = node.literal.get(t);
        if (!next) node.literal.set(t, (next = newNode()));
        node = next;
      }
    }
    if (sub.queue === undefined) node.psubs.add(sub);
    else {
      let q = node.qsubs.get(sub.queue);
      if (!q) node.qsubs.set(sub.queue, (q = new Set()));
      q.add(sub);
    }
    this.n++;
    this.cache.clear();
  }

  /** Removes a subscription; returns whether it was there. */
  remove(sub: S): boolean {
    const path: [Node<S>, string][] = [];
    let node: Node<S> | undefined = this.root;
    for (const t of sub.subject.split('.')) {
      path.push([node, t]);
      node = t === '>' ? node.fwc : t === '*' ? node.pwc : node.literal.get(t);
      if (!node) return false;
    }
    let removed: boolean;
    if (sub.queue === undefined) removed = node.psubs.delete(sub);
    else {
      const q = node.qsubs.get(sub.queue);
      removed = q?.delete(sub) ?? false;
      if (q && q.size === 0) node.qsubs.delete(sub.queue);
    }
    if (!removed) return false;
    this.n--;
    this.cache.clear();
    this.prune(path, node);
    return true;
  }

  /** Every subscription interested in `subject`; none for a subject with an empty token. */
  match(subject: string): MatchResult<S> {
    const hit = this.cache.get(subject);
    if (hit) return hit;
    const result: MatchResult<S> = { psubs: [], qsubs: [] };
    // nats-server's Match finds no node for "", ".a", "a." or "a..b".
    if (subject === '' || subject.startsWith('.') || subject.endsWith('.') || subject.includes('..')) return result;
    const queues = new Map<string, S[]>();
    collect(this.root, subject.split('.'), 0, result.psubs, queues);
    for (const members of queues.values()) result.qsubs.push(members);
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(subject, result);
    return result;
  }

  /** Every stored subscription (for monitoring). */
  all(): S[] {
    const out: S[] = [];
    const walk = (node: Node<S>): void => {
      out.push(...node.psubs);
      for (const q of node.qsubs.values()) out.push(...q);
      for (const child of node.literal.values()) walk(child);
      if (node.pwc) walk(node.pwc);
      if (node.fwc) walk(node.fwc);
    };
    walk(this.root);
    return out;
  }

  /** Cached match results, for /subsz. */
  get cacheSize(): number {
    return this.cache.size;
  }

  private prune(path: [Node<S>, string][], leaf: Node<S>): void {
    let child = leaf;
    for (let i = path.length - 1; i >= 0; i--) {
      if (!isEmpty(child)) return;
      const [parent, t] = path[i]!;
      if (t === '>') parent.fwc = undefined;
      else if (t === '*') parent.pwc = undefined;
      else parent.literal.delete(t);
      child = parent;
    }
  }
}

function isEmpty<S>(n: Node<S>): boolean {
  return n.psubs.size === 0 && n.qsubs.size === 0 && n.literal.size === 0 && !n.pwc && !n.fwc;
}

function collect<S extends SubLike>(node: Node<S>, tokens: string[], i: number, psubs: S[], queues: Map<string, S[]>): void {
  if (i === tokens.length) {
    add(node, psubs, queues);
    return;
  }
  // `>` needs at least one more token.
  if (node.fwc) add(node.fwc, psubs, queues);
  if (node.pwc) collect(node.pwc, tokens, i + 1, psubs, queues);
  const next = node.literal.get(tokens[i]!);
  if (next) collect(next, tokens, i + 1, psubs, queues);
}

function add<S extends SubLike>(node: Node<S>, psubs: S[], queues: Map<string, S[]>): void {
  for (const s of node.psubs) psubs.push(s);
  for (const [name, members] of node.qsubs) {
    let list = queues.get(name);
    if (!list) queues.set(name, (list = []));
    for (const s of members) list.push(s);
  }
}
