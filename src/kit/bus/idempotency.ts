/**
 * The idempotency claim a caller sends with a command (`Hearth-Idempotency` header): the
 * gateway sends one with every command it sends while answering an HTTP request that has an
 * `Idempotency-Key`, and the callee applies that command's writes at most once per claim
 * (service/idempotency.ts), whichever gateway or instance the retry reaches. The reply says
 * `Hearth-Idempotent-Replayed: true` when it was answered from the record.
 */
import * as v from 'valibot';
import { AppError } from '../errors.ts';

/**
 * One command's claim: who (`scope`: `user:<id>` or `ip:<address>`) sent which key, which
 * call of the request this is (`svc.users.create_group#0`), the request's fingerprint (a
 * hash of method, path and body: the same key with another request is refused), and how
 * many hours the callee keeps the record.
 */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  call: string;
  fingerprint: string;
  hours: number;
}

const Text = v.pipe(v.string(), v.minLength(1), v.maxLength(512));
const ClaimSchema = v.strictObject({
  scope: Text,
  key: Text,
  call: Text,
  fingerprint: Text,
  hours: v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 366)),
});

/**
 * The header value of `claim` (JSON: header values are text, and none of its fields holds a line break).
 *
 * @example
 * headers.set(Headers.idempotency, claimHeader({ scope: 'user:1', key: 'k', call: 'svc.notes.add#0', fingerprint: 'ab12', hours: 24 }));
 */
export function claimHeader(claim: IdempotencyClaim): string {
  return JSON.stringify(claim);
}

/**
 * The claim a header carries (absent: none); a malformed one is refused, never ignored — the
 * caller counts on the command not being applied twice.
 *
 * @example
 * readClaim('{"scope":"user:1","key":"k","call":"svc.notes.add#0","fingerprint":"ab12","hours":24}'); // the claim
 */
export function readClaim(header: string | undefined): IdempotencyClaim | undefined {
  if (header === undefined || header === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    value = undefined;
  }
  const r = v.safeParse(ClaimSchema, value);
  if (!r.success) throw new AppError('validation', 'kit.invalid_idempotency', 'The Hearth-Idempotency header is not a valid claim');
  return r.output;
}
