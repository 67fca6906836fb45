/**
 * The `-ERR` texts nats-server 2.9/2.10 sends, spelled exactly as it does
 * (server/client.go, server/parser.go, server/errors.go), and how each ends the connection.
 */

/** Error texts sent to clients. Some are lower case because nats-server sends an error's Error(). */
export const ErrText = {
  unknownOp: 'Unknown Protocol Operation',
  authViolation: 'Authorization Violation',
  authTimeout: 'Authentication Timeout',
  maxPayload: 'Maximum Payload Violation',
  // nats-server sends ErrMaxControlLine.Error(), which is lower case.
  maxControlLine: 'maximum control line exceeded',
  invalidSubject: 'Invalid Subject',
  invalidPublishSubject: 'Invalid Publish Subject',
  staleConnection: 'Stale Connection',
  maxConnections: 'maximum connections exceeded',
  badClientProtocol: 'invalid client protocol',
  noRespondersRequiresHeaders: 'no responders requires headers support',
} as const;

/** `-ERR 'Permissions Violation for Publish to "subject"'`, quoted as Go's %q does. */
export function pubViolation(subject: string): string {
  return `Permissions Violation for Publish to ${goQuote(subject)}`;
}

/** The subscription permission error, with the queue when there is one. */
export function subViolation(subject: string, queue?: string): string {
  const base = `Permissions Violation for Subscription to ${goQuote(subject)}`;
  return queue ? `${base} using queue ${goQuote(queue)}` : base;
}

/** Frames an error for the wire: `-ERR 'text'\r\n`. */
export function errLine(text: string): string {
  return `-ERR '${text}'\r\n`;
}

/**
 * Go's %q for the printable-ASCII subjects NATS uses; other bytes are escaped the way Go
 * escapes them so the text matches nats-server's byte for byte.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}
