/**
 * Turns the route table into Hono routes. For each request, in this order: the sign-in
 * rate limit (auth routes), authentication, the per-user rate limit (not on phone routes,
 * whose handlers take per-device buckets), path parameters, the
 * group check against the read model (a non-member gets 404 — whether the group exists is
 * not revealed — a member with too small a role 403, a target who is not a member 404),
 * query, body, then the handler — once per Idempotency-Key on POST.
 */
import type { Hono } from 'hono';
import * as v from 'valibot';
import { AppError } from '../kit/index.ts';
import { membership } from '../contracts/index.ts';
import type { Actor } from './auth/index.ts';
import type { GatewayContext, GatewayEnv } from './context.ts';
import type { GatewayDeps } from './deps.ts';
import { nodeBodyOf, readJson } from './middleware/body.ts';
import { answerError } from './middleware/errors.ts';
import { CommandClaims, fingerprint, idempotencyKey, once } from './middleware/idempotency.ts';
import { NoParams, NoQuery, type AnyRoute, type GroupRule } from './route-spec.ts';

/** Registers every route of `routes` on `app`. */
export function mountRoutes(app: Hono<GatewayEnv>, routes: readonly AnyRoute[], deps: GatewayDeps): void {
  for (const r of routes) app.on(r.method, r.path, (c) => run(c, r, deps));
}

/**
 * Checks `value` against `schema`; a mismatch is a 400 listing each field (`body.email`).
 *
 * @example
 * validate(v.object({ name: v.string() }), {}, 'body'); // throws gateway.invalid_request, errors: [{ path: 'body.name', … }]
 */
export function validate<T>(schema: v.GenericSchema<unknown, T>, value: unknown, where: 'params' | 'query' | 'body'): T {
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const issues = r.issues.map((i) => {
    const path = v.getDotPath(i);
    return { path: path ? `${where}.${path}` : where, message: i.message };
  });
  throw new AppError('validation', 'gateway.invalid_request', `Invalid ${where}: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
}

/** What the sessions of an account being deleted may still do: follow it, ask again, sign out. */
const FOLLOWS_DELETION = new Set(['GET /v1/me/deletion', 'DELETE /v1/me', 'POST /v1/auth/logout']);

async function run(c: GatewayContext, r: AnyRoute, deps: GatewayDeps): Promise<Response> {
  c.set('route', r.path);
  const ip = c.get('ip');
  const requestId = c.get('requestId');
  if (r.limit === 'auth') deps.limiter.take('auth', ip);
  const actor = r.access === 'public' ? undefined : await authenticate(c, r, deps, ip);
  if (actor && r.limit !== 'phone') deps.limiter.take('user', actor.userId);
  if (actor && deps.model.isDeleting(actor.userId) && !FOLLOWS_DELETION.has(`${r.method} ${r.path}`)) {
    throw new AppError('forbidden', 'users.account_deleting', 'This account is being deleted; only its deletion can be followed');
  }
  const params = validate(r.params ?? NoParams, c.req.param(), 'params') as Record<string, string>;
  if (r.group) authorize(deps, r.group, params, actor!);
  const query = validate(r.query ?? NoQuery, c.req.query(), 'query');
  const body = r.body ? await readJson(c.req.raw, r.maxBodyBytes ?? deps.settings.maxBodyBytes, nodeBodyOf(c.env)) : undefined;
  const key = c.req.method === 'POST' ? idempotencyKey(c.req.header('idempotency-key')) : undefined;
  // A secret's answer is never stored, here or in a service (docs/api.md): no claim goes with it.
  const claim = key && !r.secret ? { scope: actor ? `user:${actor.userId}` : `ip:${ip}`, key, fingerprint: fingerprint(c.req.method, c.req.path, body?.raw ?? new Uint8Array(0)) } : undefined;
  const commands = claim ? new CommandClaims(claim, deps.settings.idempotencyHours) : undefined;
  const input = {
    params,
    query,
    body: r.body ? (r.parseBody ? r.parseBody(body!.value) : validate(r.body, body!.value, 'body')) : undefined,
    actor,
    ip,
    requestId,
    header: (name: string) => c.req.header(name),
    call: ((op, data) => (commands ? commands.call(deps, op, data, requestId) : deps.upstream.call(op, data, requestId))) as Parameters<AnyRoute['handle']>[0]['call'],
    deps,
  };
  const answer = async () => {
    const res = respond(c, r, await r.handle(input));
    if (commands?.replayed) res.headers.set('idempotent-replayed', 'true');
    return res;
  };
  if (r.secret) return noStore(await answer());
  if (!claim) return answer();
  return once(deps.idempotency, claim, () => answer().catch((err: unknown) => answerError(c, err, deps.log)));
}

async function authenticate(c: GatewayContext, r: AnyRoute, deps: GatewayDeps, ip: string): Promise<Actor> {
  try {
    return await deps.auth.fromHeader(c.req.header('authorization'), r.access as Exclude<typeof r.access, 'public'>, ip);
  } catch (err) {
    // A phone route skipped the per-IP limit before routing: a failed sign-in pays it here.
    if (r.limit === 'phone') deps.limiter.take('ip', ip);
    throw err;
  }
}

function authorize(deps: GatewayDeps, rule: GroupRule, params: Record<string, string>, actor: Actor): void {
  const groupId = params.groupId!;
  const role = deps.model.roleOf(groupId, actor.userId);
  if (!role) throw membership.notAMember();
  if (!membership.roleAtLeast(role, rule.role)) throw new AppError('forbidden', 'users.insufficient_role', 'Your role in this group does not allow this', { role, needed: rule.role });
  if (rule.target && !deps.model.roleOf(groupId, params.userId!)) {
    throw new AppError('not_found', 'users.no_such_member', 'No such member in this group');
  }
}

/** A secret's answer: never cached by anyone on the way (RFC 6749 §5.1 asks this of token answers). */
function noStore(res: Response): Response {
  res.headers.set('cache-control', 'no-store');
  return res;
}

function respond(c: GatewayContext, r: AnyRoute, result: unknown): Response {
  if (result instanceof Response) return result;
  if (r.status === 204) return c.body(null, 204);
  return c.json(result as object, r.status ?? 200);
}
