/**
 * HTTPS with a certificate over ACME (`https.domain`): the HTTP listener answers the HTTP-01
 * challenge and, until a certificate is there, serves everything as without HTTPS (no
 * redirect to a port nobody listens on); the HTTPS listener starts with the first
 * certificate, takes each renewal without a restart, and only then does `https.redirect`
 * apply. The certificate is looked at every `https.acme_check_every_s` (renewal, or a retry
 * after a failure, which `/readyz` shows meanwhile).
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { ServiceApi } from '../../kit/index.ts';
import type { GatewayDeps } from '../deps.ts';
import type { AcmeSettings, HttpsSettings } from '../settings.ts';
import { AcmeCertificates } from './acme.ts';
import { createHttpsListener, type HttpsListener } from './https-listener.ts';
import { redirectToHttps, refusePlainUpgrade } from './redirect.ts';
import type { Tls } from './parts.ts';

type Fetch = (req: Request, env: unknown) => Response | Promise<Response>;

const CHALLENGE = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/;

/** HTTPS's parts when the certificate comes over ACME. */
export function serveAcme(fetch: Fetch, deps: GatewayDeps, o: HttpsSettings, a: AcmeSettings): Tls {
  const source = new AcmeCertificates(a, deps.log, deps.now);
  deps.https = () => source.state();
  const upgrades = new EventEmitter();
  let https: HttpsListener | undefined;
  let serving = false;
  let port = o.port;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  const redirect = redirectToHttps(fetch, { ...(o.redirectOrigin ? { origin: o.redirectOrigin } : {}), httpsPort: () => port });
  const redirecting = () => serving && o.redirect;
  return {
    httpFetch: (req, env) => {
      const token = CHALLENGE.exec(new URL(req.url).pathname)?.[1];
      const answer = token === undefined ? undefined : source.answer(token);
      if (answer !== undefined) return new Response(answer, { headers: { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' } });
      return redirecting() ? redirect(req, env) : fetch(req, env);
    },
    httpUpgrade: (req, socket, head) => (redirecting() ? refusePlainUpgrade(req, socket) : upgrades.emit('upgrade', req, socket, head)),
    upgrades: upgrades as unknown as Server,
    async listen(api: Pick<ServiceApi, 'log' | 'report'>) {
      const start = async () => {
        const c = source.current;
        if (https || stopped || !c) return undefined;
        https = createHttpsListener(fetch, { current: c, onChange: (l) => source.onChange(l) }, {
          hstsMaxAge: o.hstsMaxAge,
          upgrades,
          onReloadError: (err) => api.log.error('HTTPS could not listen again with the new certificate', { err }),
        });
        const url = await https.listen(o.host, o.port);
        port = Number(new URL(url).port || 443);
        serving = true;
        api.log.info('serving HTTPS', { url, domain: a.domain, expiresAt: c.notAfter });
        api.report('https_url', url);
        return url;
      };
      source.onChange(() => void start().catch((err: Error) => api.log.error('HTTPS could not listen', { err, address: `${o.host}:${o.port}` })));
      const url = await start();
      void source.check();
      timer = setInterval(() => void source.check(), a.checkEveryS * 1000);
      (timer as { unref?: () => void }).unref?.();
      return url;
    },
    async close() {
      stopped = true;
      clearInterval(timer);
      await https?.close();
    },
  };
}
