/**
 * TLS for the listeners, on node:tls (Node, Bun, and Deno's node:tls compatibility, which
 * is what lets Deno upgrade an accepted socket: Deno.startTls is client-only). One
 * tls.Server per listener holds the certificate, the CAs and the verify mode; it never
 * listens itself for TCP, where NATS starts TLS in-band: the server writes INFO in clear,
 * the client then starts the handshake on the same socket, so each accepted socket is
 * handed to it (`emit('connection')`, the documented way to give a tls.Server a socket)
 * once INFO is written. Handing the socket over — rather than wrapping it in a bare
 * TLSSocket — is what makes Node and Deno check a client certificate against the CAs.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { TlsOptions } from '../server/options.ts';

/** The parts of a tls block a transport needs. */
export type TransportTls = TlsOptions;

function read(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`tls: cannot read ${what} ${JSON.stringify(path)}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A tls.Server for `o` (not listening). Throws naming the file when a file cannot be read
 * or its PEM is not a certificate or key that go together.
 */
export function createTlsServer(
  o: TransportTls,
  onSecure?: (s: TLSSocket) => void,
  onError?: (err: Error, s: TLSSocket | undefined) => void,
): Server {
  const cert = read('cert_file', o.certFile);
  const key = read('key_file', o.keyFile);
  const ca = o.caFile !== undefined ? read('ca_file', o.caFile) : undefined;
  try {
    // Node and Bun check this when the server is made; Deno only at each handshake.
    const fromCert = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
    const fromKey = createPublicKey(createPrivateKey(key)).export({ type: 'spki', format: 'der' });
    if (!fromCert.equals(fromKey)) throw new Error('the private key does not match the certificate');
    // The CAs only when client certificates are checked: OpenSSL (and Bun's and Deno's
    // node:tls alike) completes the server's own chain from them, so with them a client
    // would be sent the CA too, where nats-server sends only what cert_file holds (a client
    // that does not trust the CA then reads "self-signed certificate in certificate chain"
    // instead of nats-server's "unable to verify the first certificate"). ca_file is still
    // read above, so a missing one stops the start as in nats-server.
    const trust = o.verify && ca ? { ca } : {};
    const server = createServer(
      { cert, key, ...trust, requestCert: o.verify, rejectUnauthorized: o.verify, handshakeTimeout: o.timeout },
      onSecure,
    );
    // A failed handshake (a plain client, no or a bad certificate, too slow) ends that
    // socket only; the runtime leaves some of these sockets open unless told.
    server.on('tlsClientError', (err, socket) => {
      onError?.(err, socket);
      socket?.destroy();
    });
    return server;
  } catch (err) {
    throw new Error(`tls: cert_file ${JSON.stringify(o.certFile)} / key_file ${JSON.stringify(o.keyFile)}: ${(err as Error).message}`, { cause: err });
  }
}

/** Starts TLS on sockets that were accepted in clear (NATS over TCP). */
export class InBandTls {
  private readonly server: Server;
  private readonly waiting = new Map<string, (s: TLSSocket | undefined, error?: Error) => void>();
  private readonly timeout: number;

  constructor(o: TransportTls) {
    this.timeout = o.timeout;
    this.server = createTlsServer(
      o,
      (s) => {
        const done = this.waiting.get(peer(s));
        if (done) done(s);
        else s.destroy();
      },
      // Deno no longer knows the peer of a socket that failed; its raw socket's close says it.
      (err, s) => (s ? this.waiting.get(peer(s))?.(undefined, err) : undefined),
    );
  }

  /**
   * Hands `raw` to TLS. `done(secure)` once the handshake succeeded; `done(undefined,
   * error)` when it failed, timed out or the peer left (`raw` is then destroyed).
   */
  upgrade(raw: Socket, done: (secure: TLSSocket | undefined, error?: Error) => void): void {
    // The secure socket is told apart by its peer's address: one TCP peer address and
    // port cannot be connected to one listener twice at once.
    const key = peer(raw);
    let settled = false;
    const settle = (s: TLSSocket | undefined, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (this.waiting.get(key) === settle) this.waiting.delete(key);
      if (!s) raw.destroy();
      done(s, error);
    };
    const timer = setTimeout(() => settle(undefined, new Error('TLS handshake timeout')), this.timeout);
    raw.on('error', (err) => settle(undefined, err));
    raw.once('close', () => settle(undefined, new Error('connection closed during the TLS handshake')));
    this.waiting.set(key, settle);
    this.server.emit('connection', raw);
  }
}

function peer(s: Socket): string {
  return `${s.remoteAddress}|${s.remotePort}`;
}
