/**
 * A certificate source that obtains and renews its own certificate over ACME (`https.domain`,
 * docs/https.md), with npm `acme-client` (maintained, RFC 8555 complete: accounts, orders,
 * JWS signing, polling — none of which is worth writing again). The HTTP-01 challenge is
 * answered by the gateway's HTTP listener through `answer(token)`. The account key, the
 * certificate and its key are kept in `<data>/https/` (0600), so a restart serves the stored
 * certificate at once and orders only when it is due: two-thirds into its lifetime.
 * A failure (directory unreachable, challenge refused) is logged and kept for `/readyz`;
 * the next look (`https.acme_check_every_s`) tries again. Nothing here throws to the gateway.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import acme from 'acme-client';
import { loadCertificate, type LoadedCertificate } from '../../kit/index.ts';
import type { AcmeSettings } from '../settings.ts';

/** What `/readyz` shows under `https` when the certificate comes over ACME. */
export interface AcmeState {
  domain: string;
  directory: string;
  /** Absent until a certificate is there. */
  subject?: string;
  expiresAt?: string;
  loadedAt?: string;
  /** When the next order is due (two-thirds into the certificate's lifetime). */
  renewAt?: string;
  /** Why the last order failed; absent once one succeeds. */
  error?: string;
}

interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The certificate ordered for `https.domain`, as a source for the HTTPS listener. */
export class AcmeCertificates {
  #current: LoadedCertificate | undefined;
  #renewAt = 0;
  #loadedAt: string | undefined;
  #error: string | undefined;
  #ordering: Promise<void> | undefined;
  #listeners: ((c: LoadedCertificate) => void)[] = [];
  /** Key authorizations by token, while a challenge is pending. */
  #challenges = new Map<string, string>();
  readonly certFile: string;
  readonly keyFile: string;
  readonly #accountFile: string;

  private readonly o: AcmeSettings;
  private readonly log: Log;
  private readonly now: () => number;

  constructor(o: AcmeSettings, log: Log, now: () => number = Date.now) {
    this.o = o;
    this.log = log;
    this.now = now;
    this.certFile = join(o.dir, `${o.domain}.crt`);
    this.keyFile = join(o.dir, `${o.domain}.key`);
    this.#accountFile = join(o.dir, 'acme-account.key');
    this.#loadStored();
  }

  /** The pair served now; undefined until the first certificate is there. */
  get current(): LoadedCertificate | undefined {
    return this.#current;
  }

  /** Called with each new certificate. */
  onChange(listener: (c: LoadedCertificate) => void): void {
    this.#listeners.push(listener);
  }

  /** The key authorization for an HTTP-01 `token` being checked now, or undefined. */
  answer(token: string): string | undefined {
    return this.#challenges.get(token);
  }

  /** Orders a certificate when there is none or it is due; resolves when done (never rejects). */
  check(): Promise<void> {
    if (this.#ordering) return this.#ordering;
    if (this.#current && this.now() < this.#renewAt) return Promise.resolve();
    this.#ordering = this.#order().finally(() => (this.#ordering = undefined));
    return this.#ordering;
  }

  /** What `/readyz` shows. */
  state(): AcmeState {
    const s: AcmeState = { domain: this.o.domain, directory: this.o.directory };
    if (this.#current) Object.assign(s, { subject: this.#current.subject, expiresAt: this.#current.notAfter, loadedAt: this.#loadedAt, renewAt: new Date(this.#renewAt).toISOString() });
    if (this.#error) s.error = this.#error;
    return s;
  }

  async #order(): Promise<void> {
    const renewing = Boolean(this.#current);
    try {
      mkdirSync(this.o.dir, { recursive: true, mode: 0o700 });
      configureHttp();
      const agent = this.o.caFile ? new Agent({ ca: [...rootCertificates, readFileSync(this.o.caFile, 'utf8')] }) : undefined;
      if (agent) acme.axios.defaults.httpsAgent = agent;
      // acme-client loses a network error (a TypeError after its retries): the directory is looked at first, for a clear message.
      await reachDirectory(this.o.directory, agent);
      const client = new acme.Client({ directoryUrl: this.o.directory, accountKey: await this.#accountKey() });
      const [key, csr] = await acme.crypto.createCsr({ commonName: this.o.domain, altNames: [this.o.domain] }, await acme.crypto.createPrivateEcdsaKey());
      const cert = await client.auto({
        csr,
        ...(this.o.email ? { email: this.o.email } : {}),
        termsOfServiceAgreed: true,
        challengePriority: ['http-01'],
        // The CA checks over HTTP itself; acme-client's own look first would go to port 80 of the name, which may not be this machine's from inside.
        skipChallengeVerification: true,
        challengeCreateFn: async (_authz, challenge, keyAuthorization) => void this.#challenges.set(challenge.token, keyAuthorization),
        challengeRemoveFn: async (_authz, challenge) => void this.#challenges.delete(challenge.token),
      });
      const loaded = loadCertificate(privateFile(join(this.o.dir, 'new.crt'), cert), privateFile(join(this.o.dir, 'new.key'), key), this.now());
      renameSync(join(this.o.dir, 'new.key'), this.keyFile);
      renameSync(join(this.o.dir, 'new.crt'), this.certFile);
      this.#serve(loaded);
      this.#error = undefined;
      this.log.info(renewing ? 'certificate renewed over ACME' : 'certificate obtained over ACME', { domain: this.o.domain, expiresAt: loaded.notAfter });
    } catch (err) {
      this.#error = `could not obtain a certificate for ${this.o.domain} from ${this.o.directory}: ${describe(err)}`;
      this.log.error(renewing ? 'certificate renewal over ACME failed; the current certificate is kept' : 'no certificate over ACME yet; HTTP keeps serving', { domain: this.o.domain, error: this.#error });
    }
  }

  async #accountKey(): Promise<Buffer> {
    if (existsSync(this.#accountFile)) return readFileSync(this.#accountFile);
    const key = await acme.crypto.createPrivateEcdsaKey();
    privateFile(this.#accountFile, key);
    return key;
  }

  #loadStored(): void {
    if (!existsSync(this.certFile) || !existsSync(this.keyFile)) return;
    try {
      this.#serve(loadCertificate(this.certFile, this.keyFile, this.now()));
    } catch (err) {
      this.log.error('the stored ACME certificate cannot be served; a new one is ordered', { certFile: this.certFile, error: describe(err) });
    }
  }

  #serve(c: LoadedCertificate): void {
    this.#current = c;
    this.#loadedAt = new Date(this.now()).toISOString();
    this.#renewAt = renewAt(c.cert);
    for (const l of this.#listeners) l(c);
  }
}

/**
 * When a certificate is due for renewal: two-thirds into its lifetime (day 60 of Let's
 * Encrypt's 90, leaving a month of retries).
 *
 * @example
 * renewAt(pem); // notBefore + (notAfter - notBefore) * 2 / 3, in ms
 */
export function renewAt(pem: Buffer | string): number {
  const x = new X509Certificate(pem);
  const from = Date.parse(x.validFrom);
  const to = Date.parse(x.validTo);
  return from + ((to - from) * 2) / 3;
}

/**
 * acme-client's HTTP defaults, for this process (its axios instance is a module singleton):
 * a request gives up after 30 s, and a network error, a 429 or a 5xx is tried twice more a
 * second or two apart (or after the CA's Retry-After) rather than five times over 75 s — the
 * next look, `https.acme_check_every_s` later, is the real retry, and `/readyz` says why meanwhile.
 */
function configureHttp(): void {
  const d = acme.axios.defaults as typeof acme.axios.defaults & { acmeSettings?: Record<string, number> };
  d.timeout = 30_000;
  if (d.acmeSettings) Object.assign(d.acmeSettings, { retryMaxAttempts: 2, retryDefaultDelay: 1 });
}

/** Resolves when the directory answers (below 500); rejects with why not. */
function reachDirectory(url: string, agent: Agent | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...(agent ? { agent } : {}), timeout: 30_000 }, (res) => {
      res.resume();
      if ((res.statusCode ?? 500) < 500) resolve();
      else reject(new Error(`the directory answered HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('the directory did not answer within 30 s')));
    req.on('error', (err) => reject(new Error(`the directory cannot be reached: ${describe(err)}`)));
    req.end();
  });
}

function privateFile(file: string, content: Buffer | string): string {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

// One line: acme-client's errors carry the CA's problem detail as their message; axios's name the connection.
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err).split('\n')[0]!;
  if (err instanceof AggregateError && err.errors.length) return err.errors.map(describe).join('; ');
  const code = (err as { code?: unknown }).code;
  const text = (err.message || err.name).split('\n')[0]!;
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}
