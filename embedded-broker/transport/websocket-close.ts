/**
 * WebSocket close frames: the status codes nats-server uses (RFC 6455 §7.4.1), the status
 * it picks for each reason it closes a client, and close payloads (server/websocket.go).
 */

/** Close status codes nats-server sends. */
export const WsCloseStatus = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TLS_HANDSHAKE: 1015,
} as const;
export type WsCloseStatus = (typeof WsCloseStatus)[keyof typeof WsCloseStatus];

/**
 * The status for each of nats-server's close reasons (its ClosedState texts, which it also
 * sends as the close reason), as wsEnqueueCloseMessage maps them; any other is 1011.
 */
const STATUS_BY_REASON: Readonly<Record<string, number>> = {
  'Client Closed': WsCloseStatus.NORMAL,
  'Authentication Timeout': WsCloseStatus.POLICY_VIOLATION,
  'Authentication Failure': WsCloseStatus.POLICY_VIOLATION,
  'Slow Consumer (Pending Bytes)': WsCloseStatus.POLICY_VIOLATION,
  'Slow Consumer (Write Deadline)': WsCloseStatus.POLICY_VIOLATION,
  'Maximum Account Connections Exceeded': WsCloseStatus.POLICY_VIOLATION,
  'Maximum Connections Exceeded': WsCloseStatus.POLICY_VIOLATION,
  'Maximum Control Line Exceeded': WsCloseStatus.POLICY_VIOLATION,
  'Maximum Subscriptions Exceeded': WsCloseStatus.POLICY_VIOLATION,
  'Missing Account': WsCloseStatus.POLICY_VIOLATION,
  'Authentication Expired': WsCloseStatus.POLICY_VIOLATION,
  'Credentials Revoked': WsCloseStatus.POLICY_VIOLATION,
  'TLS Handshake Failure': WsCloseStatus.TLS_HANDSHAKE,
  'Parse Error': WsCloseStatus.PROTOCOL_ERROR,
  'Protocol Violation': WsCloseStatus.PROTOCOL_ERROR,
  'Bad Client Protocol Version': WsCloseStatus.PROTOCOL_ERROR,
  'Maximum Message Payload Exceeded': WsCloseStatus.MESSAGE_TOO_BIG,
  'Server Shutdown': WsCloseStatus.GOING_AWAY,
  'Write Error': WsCloseStatus.ABNORMAL,
  'Read Error': WsCloseStatus.ABNORMAL,
  'Stale Connection': WsCloseStatus.ABNORMAL,
};

/** The close status nats-server sends when it closes a client for `reason`. */
export function closeStatusFor(reason: string): number {
  return STATUS_BY_REASON[reason] ?? WsCloseStatus.INTERNAL_ERROR;
}

const MAX_CONTROL_PAYLOAD = 125;

/**
 * A close payload: 2-byte status then the reason. A reason too long for a control frame
 * is cut to 120 bytes and ends in "..." (wsCreateCloseMessage).
 */
export function closePayload(status: number, reason: string | Uint8Array = ''): Uint8Array {
  let body = typeof reason === 'string' ? new TextEncoder().encode(reason) : reason;
  if (body.length > MAX_CONTROL_PAYLOAD - 2) {
    const cut = new Uint8Array(MAX_CONTROL_PAYLOAD - 2);
    cut.set(body.subarray(0, MAX_CONTROL_PAYLOAD - 5));
    cut.set([0x2e, 0x2e, 0x2e], MAX_CONTROL_PAYLOAD - 5);
    body = cut;
  }
  const out = new Uint8Array(2 + body.length);
  out[0] = status >> 8;
  out[1] = status & 0xff;
  out.set(body, 2);
  return out;
}

/**
 * The payload nats-server answers a client's close frame with: the client's status and
 * reason echoed back, 1005 when it sent no status (nats-server puts 1005 on the wire even
 * though RFC 6455 reserves it), 1007 when the reason is not UTF-8.
 */
export function closeReply(payload: Uint8Array): Uint8Array {
  if (payload.length < 2) return closePayload(WsCloseStatus.NO_STATUS);
  const status = (payload[0] << 8) | payload[1];
  const reason = payload.subarray(2);
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(reason);
    return closePayload(status, reason);
  } catch {
    // fatal: true throws on malformed UTF-8; that is the check, not a failure to hide
    return closePayload(WsCloseStatus.INVALID_PAYLOAD, 'invalid utf8 body in close frame');
  }
}
