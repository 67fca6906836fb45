/**
 * `broker`: the embedded broker's listeners, or the external server to use instead. Read
 * by the supervisor only, so declared here rather than in src/contracts/settings.
 */
import { settings } from '../contracts/index.ts';

const { section, setting } = settings;
const { bool, bytes, host, oneOf, port, text, urlList } = settings.rules;

/**
 * What the owner's broker credential (`broker.user`/`password`) may do on the embedded
 * broker, narrowest first: read domain events; also ask health and read event logs; or
 * everything, including requests and replies in transit (docs/configuration.md).
 */
export const OWNER_ROLES = ['events', 'operator', 'full'] as const;
/** One of OWNER_ROLES. */
export type OwnerRole = (typeof OWNER_ROLES)[number];

/** The `broker` section. */
export const broker = section({
  url: setting(
    urlList([['nats:', 'tls:'], ['ws:', 'wss:']], '"" (run the embedded broker), or the nats://, tls://, ws:// or wss:// URL of an external server — several separated by commas for a cluster, all nats:// and tls:// or all ws:// and wss://'),
    '',
    '`""` runs the embedded broker; else the `nats://`, `tls://`, `ws://` or `wss://` URL of an external NATS server, or the URLs of a cluster\'s servers separated by commas (each connection fails over between them)'),
  user: setting(text(), '',
    'embedded broker: the user name of your own credential (for scripts, see [below](#your-own-broker-credential)); external broker: the user name Hearth connects with'),
  password: setting(text(), '', '… and its password (secret)'),
  token: setting(text(), '', 'external broker: a token Hearth connects with, instead of user and password (secret)'),
  tls: section({
    ca_file: setting(text(), '',
      'external broker over `tls://`: a PEM file of the CAs that signed the server\'s certificate (else the system\'s CAs), relative to the working directory; setting any `broker.tls` file makes Hearth refuse a broker without TLS'),
    cert_file: setting(text(), '', '… a PEM client certificate, for a broker that verifies clients (`verify: true`)'),
    key_file: setting(text(), '', '… and its private key (PEM)'),
  }),
  owner_role: setting(oneOf(OWNER_ROLES), 'events',
    'what your own credential may do on the embedded broker: `events`, `operator` or `full` ([below](#your-own-broker-credential))'),
  host: setting(host, '127.0.0.1', 'the embedded broker\'s NATS listener: host'),
  port: setting(port(), 4222, '… and port, 1–65535; -1 picks a free one'),
  websocket: section({
    enabled: setting(bool, true, 'whether the embedded broker accepts WebSocket clients'),
    host: setting(host, '127.0.0.1', 'its WebSocket listener: host'),
    port: setting(port(), 4223, '… and port, 1–65535; -1 picks a free one'),
  }),
  http_port: setting(port('monitoring off'), 0,
    'the embedded broker\'s monitoring port (`/varz`, `/healthz`); 0 is off, -1 picks a free one'),
  max_payload: setting(bytes(1, 64 * 1024 * 1024, ' (64 MiB)'), 1_048_576,
    'the largest message the embedded broker takes, in bytes, up to 64 MiB'),
});
