/**
 * One route table drives the gateway: each route declares its method, path, who may call
 * it, the valibot schemas of its path parameters, query and body, the group role it needs,
 * its reply schema and status, and its handler. `mount.ts` turns the table into Hono
 * routes (validating everything at the edge); `openapi.ts` turns the same table into the
 * OpenAPI document, so the two cannot drift apart.
 */
import * as v from 'valibot';
import type { Operation, ReplyOf, RequestOf } from '../kit/index.ts';
import type { users } from '../contracts/index.ts';
import type { Actor } from './auth/index.ts';
import type { GatewayDeps } from './deps.ts';

/** HTTP methods the API uses. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call: anyone, any signed-in caller (token or app password), or a token's session only. */
export type Access = 'public' | 'user' | 'session';

/** An object schema (its entries become OpenAPI parameters; `any`: valibot's object types are generic over their messages). */
export type ObjectSchema = v.ObjectSchema<v.ObjectEntries, any> | v.StrictObjectSchema<v.ObjectEntries, any> | v.LooseObjectSchema<v.ObjectEntries, any>;

/** A group-scoped route: the caller must be a member of `:groupId` with at least `role`; with `target`, `:userId` must be a member too. */
export interface GroupRule {
  role: users.Role;
  target?: boolean;
}

/**
 * A route on its way out (docs/api.md, "Versioning and deprecation"). Its answers carry
 * `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and `Link` headers, and the OpenAPI
 * document marks it deprecated. Dates are ISO 8601 (`2027-01-01T00:00:00Z`); the sunset
 * may not come before the deprecation (RFC 9745 §4). The route keeps answering until a
 * release after its sunset takes it out of the table.
 */
export interface Deprecation {
  /** When the route was (or, if still ahead, will be) deprecated. */
  since: string;
  /** When it may stop answering. */
  sunset: string;
  /** A page saying what to use instead (`Link: <…>; rel="deprecation"`): absolute, or relative to the request. */
  link: string;
  /** A page about the retirement policy, when there is one (`Link: <…>; rel="sunset"`, RFC 8594 §6). */
  sunsetLink?: string;
}

/** What a handler gets. */
export interface RouteInput<P, Q, B, A> {
  params: P;
  query: Q;
  body: B;
  actor: A;
  ip: string;
  requestId: string;
  /** A request header (lower-case name). */
  header(name: string): string | undefined;
  /** Calls a service with this request's id as the correlation id. */
  call<O extends Operation>(op: O, data: RequestOf<O>): Promise<ReplyOf<O>>;
  deps: GatewayDeps;
}

/** One route. */
export interface RouteSpec<A extends Access, P extends ObjectSchema, Q extends ObjectSchema, B extends v.GenericSchema | undefined> {
  method: Method;
  /** Hono syntax: `/v1/groups/:groupId`. */
  path: string;
  summary: string;
  tag: string;
  access: A;
  /**
   * `auth`: also limited by `gateway.auth_rate_per_minute` per client IP. `phone`: neither
   * the per-IP nor the per-user limit applies (a phone flushing its backlog must never be
   * refused); the handler takes the per-device buckets itself, and a request that fails
   * authentication costs its IP a token. Only for routes without path parameters.
   */
  limit?: 'auth' | 'phone';
  /** The largest body this route reads (default `gateway.max_body_bytes`). */
  maxBodyBytes?: number;
  params?: P;
  query?: Q;
  body?: B;
  /** Checks the body instead of `body` (which still describes it in OpenAPI): for bodies of several shapes, whose union would give vague errors. */
  parseBody?: (body: unknown) => unknown;
  group?: GroupRule;
  /** Success status (default 200; 204 sends no body). */
  status?: 200 | 201 | 202 | 204;
  /** Reply schema (JSON), for the OpenAPI document. */
  reply?: v.GenericSchema;
  /** Media type of a non-JSON reply (e.g. metrics text). */
  replyType?: string;
  /** The service the route needs (its outage makes the route answer 503). */
  service?: string;
  /**
   * Its answer shows a secret once (tokens, a new app password): sent with
   * `Cache-Control: no-store` and never kept for an `Idempotency-Key` replay — a retry does
   * it again (a new session, a new password) rather than the gateway's database holding it.
   */
  secret?: true;
  /** Left out of the OpenAPI document (the document itself). */
  hidden?: boolean;
  /** Marks the route deprecated, with its sunset and where to read more. */
  deprecated?: Deprecation;
  handle(
    input: RouteInput<v.InferOutput<P>, v.InferOutput<Q>, B extends v.GenericSchema ? v.InferOutput<B> : undefined, A extends 'public' ? undefined : Actor>,
  ): unknown;
}

/** Any route of the table (`any`: the table holds routes of every shape). */
export type AnyRoute = RouteSpec<Access, any, any, any>;

/** No path parameters / no query parameters (unknown query parameters are ignored). */
export const NoParams = v.strictObject({});
export const NoQuery = v.object({});

/**
 * Declares a route (identity, for types).
 *
 * @example
 * route({ method: 'GET', path: '/v1/me', summary: 'My profile', tag: 'me', access: 'user', reply: users.Profile,
 *   handle: ({ actor, call }) => call(users.GetMe, { actor }) });
 */
export function route<
  const A extends Access,
  P extends ObjectSchema = typeof NoParams,
  Q extends ObjectSchema = typeof NoQuery,
  B extends v.GenericSchema | undefined = undefined,
>(spec: RouteSpec<A, P, Q, B>): AnyRoute {
  return spec as AnyRoute;
}
