/**
 * The WebSocket opening handshake (RFC 6455 §4.2), judged as nats-server 2.9.10's
 * wsUpgrade does (server/websocket.go) and answered in the bytes Go's http.Error writes.
 */
import { createHash } from 'node:crypto';
import { STATUS_TEXT, firstHeader, headerHasToken } from './websocket-http.ts';
import type { HttpRequestHead } from './websocket-http.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
// Go discards at most this much unread request body before reusing a connection.
const MAX_DISCARD = 256 * 1024;

/** What the client negotiated, as nats-server records it in its `websocket` struct. */
export interface WsSession {
  /** permessage-deflate in force (server enabled and client offered). */
  compress: boolean;
  /** `Nats-No-Masking: true`: the client will send unmasked frames. */
  noMasking: boolean;
  /** A `Mozilla/` User-Agent: nats-server caps outgoing frames at 4096 bytes for it. */
  browser: boolean;
  /** Safari cannot take fragmented compressed messages (websocket.go `nocompfrag`). */
  noCompressedFragments: boolean;
}

/** The answer to one request: upgrade, or an HTTP error on a connection that may live on. */
export type UpgradeDecision =
  /** `leafnode`: nats-server upgrades, then drops the connection (no leafnodes here). */
  | { kind: 'upgrade'; response: string; session: WsSession; leafnode: boolean }
  | { kind: 'reject'; response: string; keepAlive: boolean };

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §1.3). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** Validates an upgrade request in wsUpgrade's order and builds the response. */
export function decideUpgrade(head: HttpRequestHead, compression: boolean): UpgradeDecision {
  // Go's ServeMux answers "*" itself, with no body, before nats-server's handler runs.
  if (head.target === '*') return reject(head, 400, false);
  if (head.method !== 'GET') return reject(head, 405);
  if (head.host === '') return reject(head, 400);
  if (!headerHasToken(head, 'upgrade', 'websocket')) return reject(head, 400);
  if (!headerHasToken(head, 'connection', 'upgrade')) return reject(head, 400);
  const key = firstHeader(head, 'sec-websocket-key');
  if (key === '') return reject(head, 400);
  if (!headerHasToken(head, 'sec-websocket-version', '13')) return reject(head, 400);

  const compress = compression && offersDeflate(head);
  // The value must be exactly "true": Go compares the first value as is.
  const noMasking = firstHeader(head, 'nats-no-masking') === 'true';
  const ua = firstHeader(head, 'user-agent');
  const browser = ua.startsWith('Mozilla/');
  // Chrome on macOS also says "Safari/"; only real Safari adds "Version/" as well.
  const noCompressedFragments = browser && compress && ua.includes('Version/') && ua.includes('Safari/');
  let response = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n';
  response += `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n`;
  if (compress) {
    response +=
      'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n';
  }
  if (noMasking) response += 'Nats-No-Masking: true\r\n';
  // The path picks the kind of peer: "/leafnode..." is a leafnode, which nats-server
  // answers with the 101 and then closes when it has no leafnode port. Any other path is
  // a client ("/mqtt..." would be MQTT there; this broker has none and serves NATS on it).
  const path = head.target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const leafnode = path.startsWith('/leafnode');
  const session = { compress, noMasking, browser, noCompressedFragments };
  return { kind: 'upgrade', response: `${response}\r\n`, session, leafnode };
}

// nats-server only looks for the token "permessage-deflate" among any extension's
// parameters and ignores the client's parameters; it always answers no-context-takeover.
function offersDeflate(head: HttpRequestHead): boolean {
  return (head.headers.get('sec-websocket-extensions') ?? []).some((list) =>
    list.split(/[,;]/).some((p) => p.trim().toLowerCase() === 'permessage-deflate'),
  );
}

/**
 * Go's http.Error response. The connection is kept for another request as net/http keeps
 * it: HTTP/1.1 unless the client said `Connection: close`, HTTP/1.0 only on keep-alive.
 */
function reject(head: HttpRequestHead, status: number, withBody = true): UpgradeDecision {
  const http11 = head.minor >= 1;
  let keepAlive = http11
    ? !headerHasToken(head, 'connection', 'close')
    : headerHasToken(head, 'connection', 'keep-alive');
  // A chunked body is not skipped by this reader (Go would); closing is the safe reading.
  if (head.chunked || head.bodyLength > MAX_DISCARD || !withBody) keepAlive = false;
  const text = STATUS_TEXT[status];
  const body = withBody ? `${text}\n` : '';
  const date = new Date().toUTCString();
  const lines = [`HTTP/1.${http11 ? 1 : 0} ${status} ${text}`];
  // Go writes the handler's headers sorted, then Date and Content-Length, then Connection.
  if (withBody) {
    lines.push('Content-Type: text/plain; charset=utf-8', 'Sec-Websocket-Version: 13', 'X-Content-Type-Options: nosniff');
  } else if (http11) lines.push('Connection: close'); // ServeMux's bodiless 400 puts it first
  lines.push(`Date: ${date}`, `Content-Length: ${body.length}`);
  if (withBody && http11 && !keepAlive) lines.push('Connection: close');
  if (withBody && !http11 && keepAlive) lines.push('Connection: keep-alive');
  const payload = head.method === 'HEAD' ? '' : body;
  return { kind: 'reject', response: `${lines.join('\r\n')}\r\n\r\n${payload}`, keepAlive };
}
