/**
 * `/v1/auth/oidc/*`: signing in through an external OpenID provider (oidc/flows.ts). The
 * browser goes to `start`, is sent to the provider, comes back to `callback`, which has the
 * users service sign the person in, and lands on the web app with a one-time code in the
 * URL's fragment (never sent to a server, so never in a log); the app trades it for the
 * tokens with `POST /v1/auth/oidc/exchange`.
 */
import * as v from 'valibot';
import { users, settings } from '../../contracts/index.ts';
import { AppError } from '../../kit/index.ts';
import { FLOW_COOKIE, flowsOf } from '../oidc/index.ts';
import { route } from '../route-spec.ts';

const tag = 'auth';
const Provider = v.strictObject({ provider: v.pipe(v.string(), v.regex(settings.PROVIDER_NAME, 'must be a provider name')) });
const param = v.optional(v.pipe(v.string(), v.maxLength(4096)));
const PATH = '/v1/auth/oidc';

function cookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === FLOW_COOKIE) return rest.join('=');
  }
  return undefined;
}

function cookie(value: string, maxAge: number, secure: boolean): string {
  return `${FLOW_COOKIE}=${value}; Path=${PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The external sign-in routes. */
export const oidcRoutes = [
  route({
    method: 'GET',
    path: `${PATH}/:provider/start`,
    summary: 'Sign in through an external OpenID provider: redirects to it (with `invite`, a new account joins that invite\'s group)',
    tag,
    access: 'public',
    limit: 'auth',
    params: Provider,
    query: v.object({ invite: v.optional(users.InviteCode) }),
    handle: async ({ params, query, deps }) => {
      const { url, binding } = await flowsOf(deps).start(params.provider, query.invite);
      return new Response(null, {
        status: 302,
        headers: { location: url, 'set-cookie': cookie(binding, 600, deps.settings.publicUrl.startsWith('https:')), 'cache-control': 'no-store' },
      });
    },
  }),
  route({
    method: 'GET',
    path: `${PATH}/:provider/callback`,
    summary: 'Where the provider sends the browser back: signs the person in (or makes their account) and redirects to the web app with a one-time code (`/#oidc=<code>`)',
    tag,
    access: 'public',
    limit: 'auth',
    service: 'users',
    params: Provider,
    query: v.object({ code: param, state: param, iss: param, error: param, error_description: param, session_state: param }),
    handle: async ({ params, query, header, call, deps }) => {
      const flows = flowsOf(deps);
      const secure = deps.settings.publicUrl.startsWith('https:');
      try {
        const who = await flows.finish(params.provider, query, cookieOf(header('cookie')));
        const pair = await call(users.SignInExternal, { ...who, device: (header('user-agent') ?? 'unknown').slice(0, 200) });
        // As after registering: the new member's first calls need this gateway to know the membership.
        const { groupId } = pair;
        if (groupId) await deps.model.settle(() => !!deps.model.roleOf(groupId, pair.userId));
        const code = flows.keep(pair);
        return new Response(null, {
          status: 303,
          headers: { location: `${deps.settings.publicUrl}/#oidc=${code}`, 'set-cookie': cookie('', 0, secure), 'cache-control': 'no-store' },
        });
      } catch (err) {
        // A person in a browser gets the web app with the error's code; an API client gets problem+json.
        if (err instanceof AppError && (header('accept') ?? '').includes('text/html')) {
          return new Response(null, { status: 303, headers: { location: `${deps.settings.publicUrl}/#oidc-error=${encodeURIComponent(err.code)}`, 'cache-control': 'no-store' } });
        }
        throw err;
      }
    },
  }),
  route({
    method: 'POST',
    path: `${PATH}/exchange`,
    summary: 'Trade the one-time code of an external sign-in (`/#oidc=<code>`, valid one minute, once) for the session\'s first token pair',
    tag,
    access: 'public',
    secret: true,
    limit: 'auth',
    body: v.strictObject({ code: v.pipe(v.string(), v.minLength(1), v.maxLength(100)) }),
    reply: users.TokenPair,
    handle: ({ body, deps }) => {
      const pair = flowsOf(deps).take(body.code);
      if (!pair) throw new AppError('unauthorized', 'auth.oidc_code_invalid', 'Unknown, expired or already used sign-in code; sign in again');
      return pair;
    },
  }),
];
