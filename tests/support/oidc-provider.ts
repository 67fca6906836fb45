/**
 * A real OpenID provider for tests: npm `oidc-provider` (certified) on a loopback port,
 * with one confidential client (`hearth`, `client_secret_basic`) whose redirect URI is
 * Hearth's test `public_url` callback, and accounts the test adds. Its login and consent
 * screen is replaced by an automatic one: the next interaction signs in `next` and grants
 * the scopes asked for. `tamper` re-signs the ID token of the next token answers with the
 * provider's own key after changing its claims — how a wrong issuer, audience or expiry
 * reaches Hearth with a valid signature. And a tiny browser (`browse`) that follows
 * redirects with its own cookies, sending `https://hearth.test` to the Hearth under test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

/** Where Hearth's test configuration says it is (tests/support/config.ts). */
export const HEARTH_PUBLIC = 'https://hearth.test';
export const CLIENT = { id: 'hearth', secret: 'hearth-test-client-secret-0123456789' };

/** Claims of an account at the provider. */
export interface Claims {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** The running provider. */
export interface TestProvider {
  issuer: string;
  /** Adds (or replaces) an account. */
  account(id: string, claims: Claims): void;
  /** The account the next interaction signs in. */
  next: string;
  /** Set: the ID token of each token answer is re-signed with these claims changed. */
  tamper?: (claims: JWTPayload) => void;
  close(): Promise<void>;
}

/** Starts the provider; its clients may come back to `redirectUris`. */
export async function startProvider(redirectUris: string[]): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, Claims>();
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: redirectUris, token_endpoint_auth_method: 'client_secret_basic' }],
    jwks: { keys: [jwk as any] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    findAccount: (_ctx: unknown, id: string) => (accounts.has(id) ? { accountId: id, claims: () => ({ sub: id, ...accounts.get(id) }) } : undefined),
  } as any);
  const handle = provider.callback();
  const t: TestProvider = {
    issuer,
    next: '',
    account: (id, claims) => void accounts.set(id, claims),
    close: () => new Promise((r) => server.close(() => r())),
  };
  server.on('request', async (req, res) => {
    try {
      if (req.url?.startsWith('/interaction/')) {
        const details = await provider.interactionDetails(req, res);
        const accountId = (details.session?.accountId as string | undefined) ?? t.next;
        const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const missing = (details.prompt.details as { missingOIDCClaims?: string[] }).missingOIDCClaims;
        if (missing) grant.addOIDCClaims(missing);
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
        return;
      }
      const tamper = t.tamper;
      if (tamper && req.method === 'POST' && req.url?.startsWith('/token')) {
        const end = res.end.bind(res) as (chunk?: unknown) => void;
        (res as { end: unknown }).end = (chunk: Buffer | string) => {
          void (async () => {
            const body = JSON.parse(String(chunk));
            if (body.id_token) {
              const claims = decodeJwt(body.id_token);
              tamper(claims);
              body.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(privateKey);
            }
            const text = JSON.stringify(body);
            res.setHeader('content-length', Buffer.byteLength(text));
            end(text);
          })();
          return res;
        };
      }
      handle(req, res);
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  return t;
}

/** Where a browser run ended. */
export interface Landing {
  /** The last response (not a redirect, or a redirect to the web app). */
  res: Response;
  /** The web app's fragment, when it landed there (`oidc=<code>` or `oidc-error=<code>`). */
  fragment?: URLSearchParams;
}

/** A browser with its own cookie jar: follows redirects, sends `https://hearth.test` to `hearthUrl`. */
export class Browser {
  readonly jar = new Map<string, Map<string, string>>();
  readonly #hearthUrl: string;
  constructor(hearthUrl: string) {
    this.#hearthUrl = hearthUrl;
  }

  /** Follows `url` through redirects; `onRedirect` may change a Location before it is followed. */
  async go(url: string, onRedirect: (location: URL) => URL = (l) => l): Promise<Landing> {
    let next = new URL(url);
    for (let hops = 0; hops < 20; hops++) {
      if (next.origin === HEARTH_PUBLIC) {
        if (next.pathname === '/' && next.hash) return { res: new Response(null, { status: 200 }), fragment: new URLSearchParams(next.hash.slice(1)) };
        next = new URL(next.pathname + next.search, this.#hearthUrl);
      }
      const cookies = this.jar.get(next.origin);
      const res = await fetch(next, { redirect: 'manual', headers: cookies?.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {} });
      this.#keep(next.origin, res);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res };
      await res.arrayBuffer();
      next = onRedirect(new URL(location, next));
    }
    throw new Error('too many redirects');
  }

  #keep(origin: string, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const jar = this.jar.get(origin) ?? new Map<string, string>();
      this.jar.set(origin, jar);
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
  }
}
