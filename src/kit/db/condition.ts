/**
 * The condition of a service's storage, as its last operations found it: `ok`, `full`
 * (a write met SQLITE_FULL; cleared by the next write that succeeds, which the health
 * check tries while full) or `corrupt` (the start-up check or an operation found damage;
 * final until the file is restored and the service restarted). The service's health
 * answer carries it, so `/readyz` names the service, the file and what to do.
 */
import type { AppError } from '../errors.ts';
import { corruptAdvice, storageError, storageFault, type StorageFault } from './storage-errors.ts';

/** The storage condition of one database. */
export class StorageCondition {
  readonly service: string;
  readonly file: string;
  #state: 'ok' | StorageFault = 'ok';
  #detail = '';
  /** Called on every change of state (the service logs it). */
  onChange: (state: 'ok' | StorageFault, reason: string) => void = () => {};

  constructor(service: string, file: string) {
    this.service = service;
    this.file = file;
  }

  get state(): 'ok' | StorageFault {
    return this.#state;
  }

  /** Why the storage is not ok, for people (names the file and what to do); "" when ok. */
  get reason(): string {
    if (this.#state === 'full') return `The disk holding ${this.file} is full: free some space (writes resume on their own)`;
    if (this.#state === 'corrupt') return `${corruptAdvice(this.file)}${this.#detail ? ` Found: ${this.#detail}` : ''}`;
    return '';
  }

  /** The typed error for the current fault (call only when not ok). */
  error(cause?: unknown): AppError {
    return storageError(this.#state === 'full' ? 'full' : 'corrupt', this.service, this.file, cause);
  }

  /** Turns `err` into a typed error and records the fault when it is one; anything else comes back as it is. */
  fault(err: unknown): unknown {
    const f = storageFault(err);
    if (!f) return err;
    if (f === 'corrupt') this.damaged((err as Error).message);
    else if (this.#state === 'ok') this.#set('full');
    return storageError(f, this.service, this.file, err);
  }

  /** Records damage found by a check (or an operation). */
  damaged(detail: string): void {
    if (this.#state === 'corrupt') return;
    this.#detail = detail;
    this.#set('corrupt');
  }

  /** A write succeeded: the disk has room again. */
  wrote(): void {
    if (this.#state === 'full') this.#set('ok');
  }

  #set(state: 'ok' | StorageFault): void {
    this.#state = state;
    this.onChange(state, this.reason);
  }
}
