/**
 * The command path's fold, handed to the scope projection. `ScopeStore.record` folds each
 * event it appends (it needs the state the event carries); the scope projection, running
 * inside that very append, would read the scope's row and fold the event again. The store
 * offers its fold for the one append under way, and the projection takes it instead — so the
 * write path folds each event once and never re-reads the scope. Anything else the
 * projection applies (a rebuild, an event the store did not offer) reads and folds as before.
 */
import type { Scope } from '../domain/index.ts';

/** A scope folded through the event being appended, and the seq of its newest snapshot. */
export interface Folded {
  scope: Scope;
  snapshotSeq: number;
}

/** One offer at a time, good for one append (writes are serialised, so no other append runs meanwhile). */
export class FoldHandoff {
  #offer: Folded | undefined;

  /**
   * Offers `folded` to the projection during `append`; returns whether it was taken (then its
   * `snapshotSeq` is the projection's).
   */
  async during(folded: Folded, append: () => Promise<unknown>): Promise<boolean> {
    this.#offer = folded;
    try {
      await append();
      return this.#offer === undefined;
    } finally {
      this.#offer = undefined; // never outlives the append, whatever happened in it
    }
  }

  /** The offered fold when it is of this scope (taken once), else undefined. */
  take(groupId: string, userId: string): Folded | undefined {
    const f = this.#offer;
    if (!f || f.scope.groupId !== groupId || f.scope.userId !== userId) return undefined;
    this.#offer = undefined;
    return f;
  }
}
