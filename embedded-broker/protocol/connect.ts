/**
 * CONNECT options: parsed and type-checked the way Go's json.Unmarshal into nats-server's
 * clientOpts does it (server/client.go): unknown fields are ignored, a field of the wrong
 * type fails the whole CONNECT, and `null` leaves the defaults alone.
 */

/** What a client may say in CONNECT. */
export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  echo: boolean;
  headers: boolean;
  noResponders: boolean;
  protocol: number;
  name?: string;
  lang?: string;
  version?: string;
  user?: string;
  pass?: string;
  authToken?: string;
  nkey?: string;
  sig?: string;
  jwt?: string;
}

/**
 * Options before any CONNECT: nats-server's zero-value clientOpts with its defaults,
 * verbose and pedantic on (it answers `+OK` to a PUB sent before CONNECT).
 */
export function defaultConnectOptions(): ConnectOptions {
  return { verbose: true, pedantic: true, echo: true, headers: false, noResponders: false, protocol: 0 };
}

const FIELDS = {
  verbose: ['verbose', 'boolean'],
  pedantic: ['pedantic', 'boolean'],
  echo: ['echo', 'boolean'],
  headers: ['headers', 'boolean'],
  no_responders: ['noResponders', 'boolean'],
  protocol: ['protocol', 'number'],
  name: ['name', 'string'],
  lang: ['lang', 'string'],
  version: ['version', 'string'],
  user: ['user', 'string'],
  pass: ['pass', 'string'],
  auth_token: ['authToken', 'string'],
  nkey: ['nkey', 'string'],
  sig: ['sig', 'string'],
  jwt: ['jwt', 'string'],
} as const;

/** Parses CONNECT's JSON over `base`; returns undefined when nats-server would reject it. */
export function parseConnect(json: string, base: ConnectOptions): ConnectOptions | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (raw === null) return { ...base };
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: Record<string, unknown> = { ...base };
  // Go's json.Unmarshal matches an int field only against an integer literal.
  if (/"protocol"\s*:\s*-?\d+(?:\.\d*|[eE])/i.test(json)) return undefined;
  const fields = FIELDS as Record<string, readonly [string, string]>;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // Go matches keys case-insensitively when no field has the exact name.
    const field = fields[key] ?? fields[key.toLowerCase()];
    if (!field || value === null) continue;
    const [name, type] = field;
    if (typeof value !== type) return undefined;
    if (type === 'number' && !Number.isInteger(value)) return undefined;
    out[name] = value;
  }
  return out as unknown as ConnectOptions;
}
