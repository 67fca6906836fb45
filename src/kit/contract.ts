/**
 * How a message is declared: an operation (command or query, answered over request/reply
 * on `svc.<service>.<name>`) or an event (published on `evt.<service>.<type>`), each with a
 * valibot schema and a version. `src/contracts` declares every message of Hearth with these.
 */
import * as v from 'valibot';
import { AppError } from './errors.ts';

/** Any valibot schema. */
export type Schema<T = unknown> = v.GenericSchema<unknown, T>;

/**
 * A command or query: where it is sent, what it carries, what comes back. `ReqIn` is what a
 * caller may send (optional fields with defaults may be left out), `Req` what the handler
 * gets after the schema filled them in.
 */
export interface Operation<Req = unknown, Res = unknown, ReqIn = Req> {
  readonly kind: 'command' | 'query';
  readonly service: string;
  readonly name: string;
  readonly subject: string;
  readonly version: number;
  readonly request: v.GenericSchema<ReqIn, Req>;
  readonly reply: Schema<Res>;
  /** Safe to send again after a timeout (queries always are; commands when declared so). */
  readonly idempotent: boolean;
  /** Calls made in one turn of the caller's event loop travel as one message (bus/batch.ts). */
  readonly batched?: boolean;
}

/** A domain event type; `T` is its name as a literal type, so unions of events can discriminate on it. */
export interface EventType<D = unknown, T extends string = string> {
  readonly service: string;
  readonly type: T;
  readonly subject: string;
  readonly version: number;
  readonly data: Schema<D>;
}

/** What a caller sends with an operation (the schema's input: defaulted fields optional). */
export type RequestOf<O> = O extends Operation<unknown, unknown, infer I> ? I : never;
/** What a handler receives (the schema's output: defaults filled in). */
export type ParsedRequestOf<O> = O extends Operation<infer R, unknown, unknown> ? R : never;
/** The reply type of an operation. */
export type ReplyOf<O> = O extends Operation<unknown, infer R> ? R : never;
/** The data type of an event. */
export type DataOf<E> = E extends EventType<infer D> ? D : never;

const NAME = /^[a-z][a-z0-9_-]*$/;
/** Event types may be dotted (`group.member_joined` → `evt.users.group.member_joined`). */
const EVENT_TYPE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;

function checkName(what: string, name: string, re = NAME): void {
  if (!re.test(name)) throw new Error(`${what} "${name}" must match ${re}`);
}

/**
 * Declares a command: it changes state; retried only when marked idempotent.
 *
 * @example
 * const PutNote = command('notes', 'put', { version: 1, request: v.object({ text: v.string() }), reply: v.object({ id: v.string() }) });
 */
export function command<Req, Res, ReqIn = Req>(
  service: string,
  name: string,
  spec: { version: number; request: v.GenericSchema<ReqIn, Req>; reply: Schema<Res>; idempotent?: boolean; batched?: boolean },
): Operation<Req, Res, ReqIn> {
  checkName('service', service);
  checkName('operation', name);
  return { kind: 'command', service, name, subject: `svc.${service}.${name}`, idempotent: spec.idempotent ?? false, ...spec };
}

/**
 * Declares a query: reads only, so it is always safe to retry.
 *
 * @example
 * const GetNote = query('notes', 'get', { version: 1, request: v.object({ id: v.string() }), reply: Note });
 */
export function query<Req, Res, ReqIn = Req>(
  service: string,
  name: string,
  spec: { version: number; request: v.GenericSchema<ReqIn, Req>; reply: Schema<Res> },
): Operation<Req, Res, ReqIn> {
  checkName('service', service);
  checkName('operation', name);
  return { kind: 'query', service, name, subject: `svc.${service}.${name}`, idempotent: true, ...spec };
}

/**
 * Declares an event type (past tense: `NoteAdded` → type `note_added`).
 *
 * @example
 * const NoteAdded = event('notes', 'note_added', { version: 1, data: v.object({ id: v.string() }) });
 */
export function event<D, T extends string>(service: string, type: T, spec: { version: number; data: Schema<D> }): EventType<D, T> {
  checkName('service', service);
  checkName('event type', type, EVENT_TYPE);
  return { service, type, subject: `evt.${service}.${type}`, ...spec };
}

/**
 * Checks `value` against a schema; a mismatch throws a typed validation error whose details
 * list each problem with its dotted path.
 *
 * @example
 * const req = check(PutNote.request, decoded, 'kit.invalid_request');
 */
export function check<T>(schema: Schema<T>, value: unknown, code: string, what = 'message'): T {
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const issues = r.issues.map((i) => ({ path: v.getDotPath(i) ?? '', message: i.message }));
  const first = issues[0]!;
  throw new AppError('validation', code, `Invalid ${what}: ${first.path ? first.path + ': ' : ''}${first.message}`, { issues });
}
