/**
 * HTTPS for the gateway (`https.*`, docs/https.md): a certificate over ACME (serve-acme.ts,
 * when `https.domain` is set) or the owner's certificate files, an HTTPS
 * listener beside the HTTP one, the HTTP listener's redirect, and the periodic look at the
 * files. `serveTls` returns undefined when HTTPS is off, and the gateway is as before.
 */
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { ServiceApi } from '../../kit/index.ts';
import type { GatewayDeps } from '../deps.ts';
import { CertificateFiles } from '../../kit/index.ts';
import { createHttpsListener } from './https-listener.ts';
import { redirectToHttps, refusePlainUpgrade } from './redirect.ts';
import { serveAcme } from './serve-acme.ts';
import type { Tls } from './parts.ts';

export { createHttpsListener, type CertificateSource, type HttpsListener } from './https-listener.ts';
export { redirectToHttps } from './redirect.ts';
export type { Tls } from './parts.ts';
export { AcmeCertificates, renewAt, type AcmeState } from './acme.ts';

type Fetch = (req: Request, env: unknown) => Response | Promise<Response>;

/**
 * HTTPS's parts, or undefined when `https.address` is empty. Throws a `CertificateError`
 * (naming the file) when the certificate files cannot be served.
 */
export function serveTls(fetch: Fetch, deps: GatewayDeps): Tls | undefined {
  const o = deps.settings.https;
  if (!o) return undefined;
  if (o.acme) return serveAcme(fetch, deps, o, o.acme);
  const files = new CertificateFiles(o.certFile, o.keyFile, deps.now);
  deps.https = () => files.state();
  const upgrades = new EventEmitter();
  let log: Pick<ServiceApi, 'log'>['log'] | undefined;
  const https = createHttpsListener(fetch, files, {
    hstsMaxAge: o.hstsMaxAge,
    upgrades,
    onReloadError: (err) => log?.error('HTTPS could not listen again with the new certificate', { err }),
  });
  let port = o.port;
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    httpFetch: o.redirect ? redirectToHttps(fetch, { ...(o.redirectOrigin ? { origin: o.redirectOrigin } : {}), httpsPort: () => port }) : fetch,
    httpUpgrade: o.redirect ? refusePlainUpgrade : (req, socket, head) => upgrades.emit('upgrade', req, socket, head),
    upgrades: upgrades as unknown as Server,
    async listen(api) {
      log = api.log;
      const url = await https.listen(o.host, o.port);
      port = Number(new URL(url).port || 443);
      api.log.info('serving HTTPS', { url, certFile: o.certFile, expiresAt: files.current.notAfter });
      if (othersMayRead(o.keyFile)) api.log.warn('the private key file can be read by every user of this machine; make it private (chmod 600, or 640 with a group Hearth is in)', { keyFile: o.keyFile });
      timer = setInterval(() => {
        try {
          const r = files.check();
          if (r === 'loaded') api.log.info('certificate files changed: loaded', { certFile: o.certFile, expiresAt: files.current.notAfter });
          else if (r !== 'unchanged') api.log.error('certificate files changed but cannot be served; the previous certificate is kept', { error: r.message, expiresAt: files.current.notAfter });
        } catch (err) {
          api.log.error('the new certificate could not be put in place', { err });
        }
      }, o.checkEveryS * 1000);
      (timer as { unref?: () => void }).unref?.();
      return url;
    },
    async close() {
      clearInterval(timer);
      await https.close();
    },
  };
}

function othersMayRead(file: string): boolean {
  try {
    return process.platform !== 'win32' && (statSync(file).mode & 0o004) !== 0;
  } catch {
    return false; // read a moment ago; a check's failure is not news
  }
}
