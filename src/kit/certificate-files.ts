/**
 * A certificate source for an HTTPS listener (the gateway's; the supervisor checks the files at start): the owner's PEM files (certbot's `fullchain.pem` and `privkey.pem`,
 * say). `load()` reads and checks both (the key must match the certificate, which must parse
 * and not have expired) and throws a `CertificateError` naming the file otherwise; `check()`,
 * called now and then, loads them again when either file's modification time (or size, or
 * inode: a renewal that swaps a symlink) changed, and keeps the old pair when the new one is
 * broken. The HTTPS listener only sees `current` and `onChange`, so an ACME client can be
 * another source later (docs/https.md).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';

/** A key pair the listener can serve, with what `/readyz` shows of it. */
export interface LoadedCertificate {
  cert: Buffer;
  key: Buffer;
  context: SecureContext;
  subject: string;
  /** ISO 8601. */
  notAfter: string;
}

/** What `/readyz` shows under `https`. */
export interface CertificateState {
  certFile: string;
  keyFile: string;
  subject: string;
  /** When the certificate served expires (ISO 8601). */
  expiresAt: string;
  /** When it was loaded (ISO 8601). */
  loadedAt: string;
  /** Why the files on disk are not what is served (they changed and are broken); absent when all is well. */
  error?: string;
}

/** A certificate or key file that cannot be served; the message names the file. */
export class CertificateError extends Error {
  override name = 'CertificateError';
}

/**
 * Reads and checks a certificate chain and its key.
 *
 * @example
 * const c = loadCertificate('/etc/letsencrypt/live/h/fullchain.pem', '/etc/letsencrypt/live/h/privkey.pem');
 * c.notAfter; // '2027-03-01T12:00:00.000Z'
 */
export function loadCertificate(certFile: string, keyFile: string, now = Date.now()): LoadedCertificate {
  const cert = read(certFile, 'certificate');
  const key = read(keyFile, 'private key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new CertificateError(`the certificate file ${certFile} holds no PEM certificate (${short(err)})`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new CertificateError(`the private key file ${keyFile} holds no PEM private key (${short(err)})`);
  }
  let matches = true;
  try {
    matches = x509.checkPrivateKey(privateKey);
  } catch {
    // a runtime without checkPrivateKey: createSecureContext below still refuses a mismatch on Node
  }
  if (!matches) throw new CertificateError(`the private key file ${keyFile} does not match the certificate in ${certFile}`);
  const notAfter = new Date(x509.validTo);
  if (notAfter.getTime() <= now) throw new CertificateError(`the certificate in ${certFile} expired at ${notAfter.toISOString()}`);
  let context: SecureContext;
  try {
    context = createSecureContext({ cert, key });
  } catch (err) {
    throw new CertificateError(`the certificate ${certFile} and key ${keyFile} cannot be used together (${short(err)})`);
  }
  return { cert, key, context, subject: x509.subject.replace(/\n/g, ', '), notAfter: notAfter.toISOString() };
}

/** The owner's certificate files, watched by modification time. */
export class CertificateFiles {
  #current: LoadedCertificate;
  #stamp: string;
  #loadedAt: string;
  #error: string | undefined;
  #listeners: ((c: LoadedCertificate) => void)[] = [];
  readonly certFile: string;
  readonly keyFile: string;
  private readonly now: () => number;

  /** Loads both files; throws a `CertificateError` naming the file when they cannot be served. */
  constructor(certFile: string, keyFile: string, now: () => number = Date.now) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.now = now;
    this.#stamp = this.#stampOf();
    this.#current = loadCertificate(certFile, keyFile, now());
    this.#loadedAt = new Date(now()).toISOString();
  }

  /** The pair served now. */
  get current(): LoadedCertificate {
    return this.#current;
  }

  /** Called with each new pair loaded by `check`. */
  onChange(listener: (c: LoadedCertificate) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Loads the files again if they changed since the last look. Resolves with `'loaded'`,
   * `'unchanged'`, or the error (the old pair is kept, and `state().error` says why).
   */
  check(): 'loaded' | 'unchanged' | CertificateError {
    const stamp = this.#stampOf();
    if (stamp === this.#stamp) return 'unchanged';
    this.#stamp = stamp;
    try {
      this.#current = loadCertificate(this.certFile, this.keyFile, this.now());
    } catch (err) {
      const e = err instanceof CertificateError ? err : new CertificateError(short(err));
      this.#error = e.message;
      return e;
    }
    this.#error = undefined;
    this.#loadedAt = new Date(this.now()).toISOString();
    for (const l of this.#listeners) l(this.#current);
    return 'loaded';
  }

  /** What `/readyz` shows. */
  state(): CertificateState {
    const s: CertificateState = { certFile: this.certFile, keyFile: this.keyFile, subject: this.#current.subject, expiresAt: this.#current.notAfter, loadedAt: this.#loadedAt };
    return this.#error ? { ...s, error: this.#error } : s;
  }

  // Modification time, size and inode of both files: any of them changing is a new pair to load.
  #stampOf(): string {
    return [this.certFile, this.keyFile]
      .map((f) => {
        try {
          const s = statSync(f);
          return `${s.mtimeMs}:${s.size}:${s.ino}`;
        } catch (err) {
          return (err as NodeJS.ErrnoException).code ?? 'error';
        }
      })
      .join('|');
  }
}

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : short(err);
    throw new CertificateError(`cannot read the ${what} file ${file}: ${why}`);
  }
}

const short = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
