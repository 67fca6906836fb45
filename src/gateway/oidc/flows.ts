/**
 * Signing in through an external OpenID provider, the authorization code flow with PKCE,
 * state and nonce, done by npm `openid-client` (OpenID-certified, maintained by the author
 * of `jose`): it fetches the provider's discovery document and keys, and validates the ID
 * token fully — signature, issuer, audience, expiry, nonce — and the authorization response
 * (state, `iss`). Hand-writing any of that is where such flows usually go wrong.
 *
 * What a flow needs between the redirect and the callback (PKCE verifier, nonce, the invite
 * code) stays here, keyed by its `state`, for ten minutes and one use; a random `binding`
 * in an HttpOnly cookie ties it to the browser that started it, so nobody can make someone
 * else's browser finish their sign-in. After the callback the new tokens wait a minute under
 * a one-time code the web app trades with a POST: tokens never travel in a URL. Both live in
 * this gateway's memory: behind several gateways, the proxy must keep a browser on one
 * (docs/identity.md).
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { AppError } from '../../kit/index.ts';
import type { users } from '../../contracts/index.ts';
import { ExpiringMap } from '../expiring-map.ts';
import type { OidcProvider } from '../settings.ts';

type TokenPair = import('valibot').InferOutput<typeof users.TokenPair>;

const FLOW_MS = 10 * 60_000;
const CODE_MS = 60_000;
const MAX = 10_000;

/** The cookie tying a flow to its browser. */
export const FLOW_COOKIE = 'hearth_oidc';

interface Flow {
  provider: string;
  verifier: string;
  nonce: string;
  binding: string;
  invite?: string;
}

/** Who the provider says signed in. */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
  displayName?: string;
  invite?: string;
}

const random = () => randomBytes(32).toString('base64url');
const refused = (reason: string, details?: Record<string, unknown>) =>
  new AppError('unauthorized', 'auth.oidc_refused', `The sign-in through the provider was refused: ${reason}`, details);

function loopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
}

/** The flows under way, the providers' discovered configurations and the one-time codes of one gateway. */
export class OidcFlows {
  readonly #flows = new ExpiringMap<string, Flow>(MAX);
  readonly #codes = new ExpiringMap<string, TokenPair>(MAX);
  readonly #configs = new Map<string, Promise<client.Configuration>>();

  readonly #providers: readonly OidcProvider[];
  readonly #publicUrl: string;
  readonly #now: () => number;

  constructor(providers: readonly OidcProvider[], publicUrl: string, now: () => number) {
    this.#providers = providers;
    this.#publicUrl = publicUrl;
    this.#now = now;
  }

  /** The provider named `name`, or `auth.oidc_unknown_provider`. */
  provider(name: string): OidcProvider {
    const p = this.#providers.find((x) => x.name === name);
    if (!p) throw new AppError('not_found', 'auth.oidc_unknown_provider', `No sign-in provider is called "${name}"`);
    return p;
  }

  /** Where the provider sends the browser back: register exactly this at the provider. */
  redirectUri(name: string): string {
    return `${this.#publicUrl}/v1/auth/oidc/${name}/callback`;
  }

  /** Starts a flow: the provider's authorization URL, and the browser binding for the cookie. */
  async start(name: string, invite: string | undefined): Promise<{ url: string; binding: string }> {
    const p = this.provider(name);
    const config = await this.#config(p);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const binding = random();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(name),
      scope: p.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const now = this.#now();
    this.#flows.set(state, { provider: name, verifier, nonce, binding, ...(invite ? { invite } : {}) }, now + FLOW_MS, now);
    return { url: url.href, binding };
  }

  /** Finishes a flow from the callback's parameters; each state works once, from the browser that started it. */
  async finish(name: string, params: Record<string, string | undefined>, binding: string | undefined): Promise<ExternalIdentity> {
    const p = this.provider(name);
    const state = params.state ?? '';
    const flow = this.#flows.get(state, this.#now());
    if (!flow || flow.provider !== name) throw refused('unknown or expired state (start again)', { reason: 'state' });
    if (binding !== flow.binding) throw refused('the sign-in was started in another browser', { reason: 'browser' });
    this.#flows.delete(state);
    const config = await this.#config(p);
    const current = new URL(this.redirectUri(name));
    for (const [k, v] of Object.entries(params)) if (v !== undefined) current.searchParams.set(k, v);
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
    } catch (err) {
      // openid-client's error wraps oauth4webapi's, whose message and `cause.claim` name the failed check ("nonce", "iss", "aud", "exp").
      const inner = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
      const claim = (inner?.cause as { claim?: unknown } | undefined)?.claim;
      const said = err instanceof client.ResponseBodyError ? `: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}` : '';
      const message = (err instanceof Error ? err.message : String(err)) + (inner && inner.message !== (err as Error).message ? `: ${inner.message}` : '') + said;
      throw refused(message, {
        reason: 'response',
        ...(typeof claim === 'string' ? { claim } : {}),
        ...(err instanceof client.ResponseBodyError ? { error: err.error } : {}),
      });
    }
    const claims = tokens.claims()!;
    let info: Record<string, unknown> = claims;
    // Many providers (oidc-provider, Authelia) put the scopes' claims in the userinfo answer only.
    if (claims.email === undefined && config.serverMetadata().userinfo_endpoint) {
      try {
        info = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
      } catch (err) {
        throw refused(`userinfo: ${err instanceof Error ? err.message : String(err)}`, { reason: 'userinfo' });
      }
    }
    const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
    const email = str(info.email);
    const displayName = str(info.name) ?? str(info.preferred_username);
    return {
      issuer: claims.iss,
      subject: claims.sub,
      ...(email ? { email } : {}),
      emailVerified: info.email_verified === true,
      ...(displayName ? { displayName } : {}),
      ...(flow.invite ? { invite: flow.invite } : {}),
    };
  }

  /** Keeps a token pair for a minute under a new one-time code. */
  keep(pair: TokenPair): string {
    const code = random();
    const now = this.#now();
    this.#codes.set(code, pair, now + CODE_MS, now);
    return code;
  }

  /** The pair kept under `code`, once. */
  take(code: string): TokenPair | undefined {
    const pair = this.#codes.get(code, this.#now());
    this.#codes.delete(code);
    return pair;
  }

  #config(p: OidcProvider): Promise<client.Configuration> {
    let config = this.#configs.get(p.name);
    if (!config) {
      config = discover(p).catch((err: unknown) => {
        this.#configs.delete(p.name); // try again next time: the provider may be back
        throw new AppError('unavailable', 'auth.oidc_provider_unavailable', `The sign-in provider "${p.name}" cannot be reached`, { reason: err instanceof Error ? err.message : String(err) }, { cause: err });
      });
      this.#configs.set(p.name, config);
    }
    return config;
  }
}

async function discover(p: OidcProvider): Promise<client.Configuration> {
  if (!p.issuer || !p.clientId) throw new Error('oidc.providers.' + p.name + ' needs issuer and client_id');
  const issuer = new URL(p.issuer);
  return client.discovery(issuer, p.clientId, undefined, client.ClientSecretBasic(p.clientSecret), {
    timeout: 10,
    // Plain http only to a provider on this machine (tests, a provider beside Hearth); openid-client refuses it elsewhere.
    ...(issuer.protocol === 'http:' && loopback(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
  });
}

const all = new WeakMap<object, OidcFlows>();

/** The flows of the gateway whose deps are `deps` (one per gateway). */
export function flowsOf(deps: { settings: { oidcProviders: readonly OidcProvider[]; publicUrl: string }; now: () => number }): OidcFlows {
  let f = all.get(deps);
  if (!f) all.set(deps, (f = new OidcFlows(deps.settings.oidcProviders, deps.settings.publicUrl, deps.now)));
  return f;
}
