/** What HTTPS hands the gateway's setup, whichever the certificate's source (files or ACME). */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServiceApi } from '../../kit/index.ts';

type Fetch = (req: Request, env: unknown) => Response | Promise<Response>;

/** HTTPS's parts, for the gateway's setup. */
export interface Tls {
  /** What the HTTP listener serves: the redirect, or the app itself when `https.redirect` is false. */
  httpFetch: Fetch;
  /** The HTTP listener's `upgrade` listener: refuses (redirect on) or hands on to `upgrades`. */
  httpUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Where both listeners' WebSocket upgrades arrive: the stream attaches here (it uses `on`, `off` and `listenerCount`). */
  upgrades: Server;
  /** Listens on `https.address`, starts looking at the files (or ordering over ACME); resolves with the `https://` URL, or undefined while ACME has no certificate yet (it is reported as `https_url` once it listens). */
  listen(api: Pick<ServiceApi, 'log' | 'report'>): Promise<string | undefined>;
  close(): Promise<void>;
}
