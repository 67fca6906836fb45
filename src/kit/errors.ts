/**
 * The one error family of Hearth. Every failure a caller may see has a kind (how to react:
 * fix the input, look elsewhere, retry later …), a stable dotted `code` (what happened,
 * e.g. `location.out_of_range`), a message for humans and optional details. Errors cross
 * the broker as `{ error: { code, kind, message, details } }` and are rebuilt on the other
 * side; the gateway maps `kind` to an HTTP status once, in one place.
 */

/** How a caller should react; maps one-to-one to an HTTP status in the gateway. */
export const ErrorKind = {
  Validation: 'validation',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  TooLarge: 'too_large',
  /** The disk under a service's database is full (`storage.full`): retrying helps only once space is freed. */
  InsufficientStorage: 'insufficient_storage',
  Unavailable: 'unavailable',
  Timeout: 'timeout',
  Internal: 'internal',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

const KINDS = new Set<string>(Object.values(ErrorKind));

/** The wire form of an error inside a reply. */
export interface WireError {
  code: string;
  kind: ErrorKind;
  message: string;
  details?: unknown;
}

/**
 * A typed error. Throw it from handlers and domain code; anything else thrown in a handler
 * becomes `kit.internal` with a generic message (its text may hold secrets, so only the log
 * sees it).
 *
 * @example
 * throw new AppError('not_found', 'chat.no_such_group', 'No such group', { groupId });
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details: unknown;

  constructor(kind: ErrorKind, code: string, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.code = code;
    this.details = details;
  }

  /** The form sent over the broker. */
  toWire(): WireError {
    const wire: WireError = { code: this.code, kind: this.kind, message: this.message };
    if (this.details !== undefined) wire.details = this.details;
    return wire;
  }

  /** Rebuilds an error received over the broker; a malformed one becomes `kit.bad_reply`. */
  static fromWire(value: unknown): AppError {
    const w = value as Partial<WireError> | null;
    if (!w || typeof w.code !== 'string' || typeof w.message !== 'string' || !KINDS.has(w.kind as string)) {
      return new AppError('internal', 'kit.bad_reply', 'The service answered with a malformed error');
    }
    return new AppError(w.kind as ErrorKind, w.code, w.message, w.details);
  }

  /** True when trying again later may succeed (the callee was down, slow or overloaded). */
  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'timeout';
  }
}

/** Wraps anything thrown into an AppError, keeping the original as `cause`. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('internal', 'kit.internal', 'Internal error', undefined, { cause: err });
}
