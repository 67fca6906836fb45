/**
 * The Ed25519 keys access tokens are signed with, kept in the users database (JWK). One key
 * is current; a rotated-out key stays published until every token it signed has expired
 * (access-token ttl plus a margin for clock skew and the gateway's JWKS cache), then it is
 * deleted. The current key is read from the database on each signing (and cached by kid),
 * so several instances of the service never disagree for long about which key is current.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Db, Tx } from '../../../src/kit/index.ts';

const ALG = 'EdDSA';
/** How long past the access-token ttl a retired key stays in the JWKS. */
export const RETIRED_KEY_MARGIN_MS = 5 * 60_000;

/** A freshly generated key, ready to be stored. */
export interface NewKey {
  kid: string;
  privateJwk: string;
  publicJwk: string;
}

/** Makes a new Ed25519 key pair; `kid` is its RFC 7638 thumbprint. */
export async function generateSigningKey(): Promise<NewKey> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  return {
    kid,
    privateJwk: JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: ALG }),
    publicJwk: JSON.stringify({ ...pub, kid, alg: ALG, use: 'sig' }),
  };
}

/** The claims of an access token besides the fixed ones. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
}

/**
 * The signing keys of one users database.
 *
 * @example
 * const keys = new SigningKeys(db, { issuer, ttlS: 900, now: Date.now });
 * await keys.ensure();
 * const token = await keys.sign({ userId, sessionId });
 */
export class SigningKeys {
  readonly #db: Db;
  readonly #o: { issuer: string; ttlS: number; now: () => number };
  readonly #imported = new Map<string, CryptoKey | Uint8Array>();

  constructor(db: Db, o: { issuer: string; ttlS: number; now: () => number }) {
    this.#db = db;
    this.#o = o;
  }

  /** Creates the first key unless there is one (safe when several instances start at once). */
  async ensure(): Promise<void> {
    const [row] = await this.#db.query('SELECT kid FROM signing_keys WHERE retired_at IS NULL LIMIT 1');
    if (row) return;
    const key = await generateSigningKey();
    await this.#db.write(async (tx) => {
      await tx.execute(
        `INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at)
         SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE retired_at IS NULL)`,
        [key.kid, key.privateJwk, key.publicJwk, this.#iso()],
      );
    });
  }

  /** Retires the current key and makes `key` current, inside `tx`; forgets keys past their window. */
  async rotate(tx: Tx, key: NewKey): Promise<void> {
    const now = this.#iso();
    await tx.execute('DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < ?', [this.#windowStart()]);
    await tx.execute('UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL', [now]);
    await tx.execute('INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?)', [key.kid, key.privateJwk, key.publicJwk, now]);
  }

  /** The public keys of the current key and of keys retired within the window, newest first. */
  async jwks(): Promise<{ keys: (JWK & { kid: string; kty: string })[] }> {
    const rows = await this.#db.query(
      'SELECT public_jwk FROM signing_keys WHERE retired_at IS NULL OR retired_at >= ? ORDER BY created_at DESC',
      [this.#windowStart()],
    );
    return { keys: rows.map((r) => JSON.parse(String(r.public_jwk))) };
  }

  /** Signs an access token with the current key; returns it with its lifetime in seconds. */
  async sign(c: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const [row] = await this.#db.query('SELECT kid, private_jwk FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1');
    if (!row) throw new Error('no current signing key (ensure() was not called)');
    const kid = String(row.kid);
    let key = this.#imported.get(kid);
    if (!key) this.#imported.set(kid, (key = await importJWK(JSON.parse(String(row.private_jwk)) as JWK, ALG)));
    const iat = Math.floor(this.#o.now() / 1000);
    const token = await new SignJWT({ sid: c.sessionId })
      .setProtectedHeader({ alg: ALG, kid, typ: 'at+jwt' })
      .setSubject(c.userId)
      .setIssuer(this.#o.issuer)
      .setAudience('hearth')
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.#o.ttlS)
      .sign(key);
    return { token, expiresIn: this.#o.ttlS };
  }

  #iso(): string {
    return new Date(this.#o.now()).toISOString();
  }

  #windowStart(): string {
    return new Date(this.#o.now() - this.#o.ttlS * 1000 - RETIRED_KEY_MARGIN_MS).toISOString();
  }
}
