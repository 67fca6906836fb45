/**
 * `HOST:PORT` addresses (`http`) and bare hosts (`broker.host`): a host name, an IPv4
 * address, or an IPv6 address in brackets before a port.
 */

/** A parsed `HOST:PORT`; an IPv6 host comes without its brackets, ready for `listen`. */
export interface HostPort {
  host: string;
  port: number;
}

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?$/;

/** What `parseHostPort` accepts, in the words error messages use. */
export const HOST_PORT_ALLOWED = 'HOST:PORT with a port from 0 to 65535 (0: any free port), e.g. 127.0.0.1:8080, 0.0.0.0:80 or [::1]:8080';

/** True for a host name, an IPv4 address or a bare IPv6 address (no brackets). */
export function isHost(text: string): boolean {
  const v4 = IPV4.exec(text);
  // An all-numeric dotted name is meant as an address, so 300.1.1.1 is not a host name.
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255);
  if (/^[\d.]+$/.test(text)) return false;
  return HOSTNAME.test(text) || (text.includes(':') && IPV6.test(text));
}

/**
 * Splits `HOST:PORT` into its parts. Throws an Error saying what is allowed when `text` is
 * not one.
 *
 * @example
 * parseHostPort('[::1]:8080'); // { host: '::1', port: 8080 }
 */
export function parseHostPort(text: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const host = m ? (m[1] ?? m[2]!) : '';
  const port = m ? Number(m[3]) : NaN;
  const hostOk = m?.[1] !== undefined ? host.includes(':') && IPV6.test(host) : isHost(host);
  if (!m || !hostOk || port > 65535) {
    throw new Error(`"${text}" is not an address; expected ${HOST_PORT_ALLOWED}`);
  }
  return { host, port };
}
