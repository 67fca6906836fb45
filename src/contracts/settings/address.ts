/**
 * Where Hearth is reached: top-level keys the gateway and the users service read (the
 * gateway listens on `http`; tokens, invite links, phone set-up and forwarded alerts' links name
 * `public_url`; the notifications service reads both too).
 */
import { setting } from './declare.ts';
import { hostPort, url } from './rules.ts';

/** `http`: where the gateway listens. */
export const http = setting(hostPort, '127.0.0.1:8080',
  'where the gateway listens: `HOST:PORT`, `[::1]:PORT` for IPv6; port 0 picks a free one');

/** `public_url`: the URL clients use, or "" for `http://<http>`. */
export const public_url = setting(
  url(['http:', 'https:'], '"" (the http address) or the http(s):// URL clients use to reach Hearth'),
  '',
  'the URL clients reach Hearth at (`https://hearth.example.home`): the token issuer, and the base of invite links, the phones\u2019 set-up and links in forwarded alerts; `""` means `https://<https.address>` when that is set, else `http://<http>`',
);

/**
 * The URL clients reach Hearth at: `public_url`, else `https://<https.address>` when Hearth
 * serves HTTPS itself, else `http://<http>`; no trailing slash.
 *
 * @example
 * publicUrlOf({ public_url: '', http: '0.0.0.0:80', https: { address: '0.0.0.0:443' } }); // 'https://0.0.0.0:443'
 */
export function publicUrlOf(s: { public_url: string; http: string; https?: { address: string } }): string {
  return (s.public_url || (s.https?.address ? `https://${s.https.address}` : `http://${s.http}`)).replace(/\/+$/, '');
}
