/** `https`: the gateway's own TLS listener, its certificate obtained over ACME (`domain`) or from files the owner manages (docs/https.md). Read by the gateway and the supervisor. */
import * as v from 'valibot';
import { section, setting } from './declare.ts';
import { HOST_PORT_ALLOWED, parseHostPort } from './host-port.ts';
import { bool, int, text } from './rules.ts';

const DOMAIN = '"" or a DNS name (hearth.example.home)';
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const ADDRESS = `"" (no HTTPS) or ${HOST_PORT_ALLOWED}`;

/** The `https` section. */
export const https = section({
  address: setting(
    v.pipe(v.string(ADDRESS), v.check((s) => s === '' || ok(() => parseHostPort(s)), ADDRESS)),
    '',
    'where the gateway serves HTTPS (`0.0.0.0:443`, port 0 picks a free one); `""`: no HTTPS. Needs `https.domain` (a certificate over ACME) or `https.cert_file` and `https.key_file`; `http` keeps listening (redirects, `/readyz`, ACME\'s HTTP-01 check)',
  ),
  domain: setting(v.pipe(v.string(DOMAIN), v.check((s) => s === '' || DOMAIN_RE.test(s), DOMAIN)), '',
    'the name Hearth obtains and renews its own certificate for over ACME (HTTP-01: port 80 of that name must reach `http`); setting it accepts the CA\'s terms of service. `""`: the certificate comes from `https.cert_file` and `https.key_file`'),
  acme_email: setting(text('"" or an e-mail address'), '',
    'the contact address given to the ACME CA (expiry warnings, problems with the account); `""`: none'),
  acme_directory: setting(v.pipe(v.string('an https:// URL'), v.check((s) => /^https:\/\/\S+$/.test(s), 'an https:// URL')), 'https://acme-v02.api.letsencrypt.org/directory',
    'the ACME CA\'s directory URL (Let\'s Encrypt\'s by default; its staging directory `https://acme-staging-v02.api.letsencrypt.org/directory` for trying things)'),
  acme_ca_file: setting(text('"" or the path of a PEM file of CA certificates'), '',
    'a PEM file of CA certificates to trust for the ACME directory\'s own HTTPS, besides the usual ones (a private CA such as step-ca or pebble); `""`: the usual ones only'),
  acme_check_every_s: setting(int(1, 86_400, 'an integer number of seconds from 1 to 86400'), 3600,
    'how often Hearth looks whether its ACME certificate is due for renewal (two-thirds into its lifetime), and retries after a failure'),
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
