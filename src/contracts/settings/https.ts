/** `https`: the gateway's own TLS listener with certificate files the owner manages (docs/https.md). Read by the gateway and the supervisor. */
import * as v from 'valibot';
import { section, setting } from './declare.ts';
import { HOST_PORT_ALLOWED, parseHostPort } from './host-port.ts';
import { bool, int, text } from './rules.ts';

const ADDRESS = `"" (no HTTPS) or ${HOST_PORT_ALLOWED}`;

/** The `https` section. */
export const https = section({
  address: setting(
    v.pipe(v.string(ADDRESS), v.check((s) => s === '' || ok(() => parseHostPort(s)), ADDRESS)),
    '',
    'where the gateway serves HTTPS (`0.0.0.0:443`, port 0 picks a free one); `""`: no HTTPS. Needs `https.cert_file` and `https.key_file`; `http` keeps listening (redirects, `/readyz`)',
  ),
  cert_file: setting(text('"" or the path of a PEM certificate file (the chain: the certificate first, then intermediates)'), '',
    'the PEM certificate chain (e.g. certbot\'s `fullchain.pem`); re-read when it changes, without a restart'),
  key_file: setting(text('"" or the path of a PEM private key file'), '',
    'the PEM private key of `https.cert_file` (e.g. certbot\'s `privkey.pem`); re-read with it'),
  redirect: setting(bool, true,
    'with HTTPS on, `http` answers `308` to the same path on HTTPS, except `/healthz`, `/readyz` and `/.well-known/acme-challenge/`; plain `ws://` upgrades are refused'),
  hsts_max_age: setting(int(0, 63_072_000, 'an integer number of seconds from 0 to 63072000 (two years)'), 15_552_000,
    '`Strict-Transport-Security: max-age=…` on every HTTPS answer (180 days by default); 0 sends none'),
  check_every_s: setting(int(1, 86_400, 'an integer number of seconds from 1 to 86400'), 30,
    'how often the certificate files\' modification times are checked; a change is loaded, a broken one kept out (logged, and shown by `/readyz`)'),
});

function ok(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}
