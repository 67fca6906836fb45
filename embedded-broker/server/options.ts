/**
 * The broker's options: what nats-server's configuration file and flags set, for the
 * part of nats-server this broker implements. Durations are milliseconds.
 */

/** A subject allow/deny list, as in a nats-server `permissions` block. */
export interface SubjectPermission {
  allow?: string[];
  deny?: string[];
}

/** `allow_responses`: publish rights to the reply subject of requests received. */
export interface ResponsePermission {
  maxMsgs: number;
  expires: number;
}

/** Per-user permissions; deny wins over allow. */
export interface Permissions {
  publish?: SubjectPermission;
  subscribe?: SubjectPermission;
  allowResponses?: ResponsePermission;
}

/** One entry of `authorization { users: [...] }`. */
export interface UserEntry {
  user?: string;
  password?: string;
  nkey?: string;
  permissions?: Permissions;
}

/** The `authorization` block: one of token, user + password, or a list of users. */
export interface AuthorizationOptions {
  token?: string;
  user?: string;
  password?: string;
  users?: UserEntry[];
  /** How long a client has to send CONNECT, in ms (nats-server default 2 s). */
  timeout?: number;
}

/** A `tls` block (nats-server's cert_file, key_file, ca_file, verify, timeout). */
export interface TlsOptions {
  /** PEM files: the server's certificate (chain) and private key. */
  certFile: string;
  keyFile: string;
  /** PEM file of the CAs client certificates are checked against (else the system's). */
  caFile?: string;
  /** Require a client certificate signed by a trusted CA. */
  verify: boolean;
  /** How long a client has to complete the handshake, in ms (nats-server default 2 s). */
  timeout: number;
}

/** nats-server's TLS_TIMEOUT. */
export const DEFAULT_TLS_TIMEOUT = 2000;

/** The `websocket` block. */
export interface WebSocketOptions {
  host: string;
  /** -1 picks an ephemeral port. */
  port: number;
  noTls: boolean;
  compression: boolean;
  /** wss://: TLS from the first byte (the HTTP upgrade is inside it). */
  tls?: TlsOptions;
}

/** Everything the broker can be configured with. */
export interface BrokerOptions {
  serverName?: string;
  host: string;
  /** -1 picks an ephemeral port. */
  port: number;
  /** Monitoring HTTP; port 0 disables it, -1 picks an ephemeral port. */
  httpHost: string;
  httpPort: number;
  maxPayload: number;
  maxControlLine: number;
  maxConnections: number;
  /** Bytes a client may have waiting to be written before it is a slow consumer. */
  maxPending: number;
  pingInterval: number;
  pingMax: number;
  writeDeadline: number;
  authorization?: AuthorizationOptions;
  /** TLS for TCP clients: INFO in clear, then the client starts the handshake. */
  tls?: TlsOptions;
  websocket?: WebSocketOptions;
  portsFileDir?: string;
  /** How long lame-duck mode spreads the closing of clients over. */
  lameDuckDuration: number;
  lameDuckGracePeriod: number;
  debug: boolean;
  trace: boolean;
  /** Log nothing at all (used when the broker is embedded in a process with its own log). */
  quiet: boolean;
}

/** nats-server 2.9/2.10 defaults (server/const.go). */
export const DEFAULT_OPTIONS: BrokerOptions = {
  host: '127.0.0.1',
  port: 4222,
  httpHost: '127.0.0.1',
  httpPort: 0,
  maxPayload: 1024 * 1024,
  maxControlLine: 4096,
  maxConnections: 64 * 1024,
  maxPending: 64 * 1024 * 1024,
  pingInterval: 2 * 60 * 1000,
  pingMax: 2,
  writeDeadline: 10 * 1000,
  lameDuckDuration: 2 * 60 * 1000,
  lameDuckGracePeriod: 10 * 1000,
  debug: false,
  trace: false,
  quiet: false,
};

/** Fills in defaults for whatever `partial` leaves out. */
export function withDefaults(partial: Partial<BrokerOptions> = {}): BrokerOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_OPTIONS, ...defined };
}
