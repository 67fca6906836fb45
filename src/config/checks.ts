/**
 * Checks that span keys, which a per-key schema cannot make: a service Hearth does not
 * have needs a module to run, and may not take a name reserved on the broker; a replica
 * needs a local file; backoff limits in order; HTTPS needs its certificate and key files.
 * They read the merged values defensively, so they run even when the schema found
 * problems elsewhere, and skip values of the wrong type (the schema reports those).
 */
import { isMap } from './merge.ts';
import type { Merged } from './merge.ts';
import type { ConfigProblem } from './problems.ts';
import { BUILTIN_SERVICES, SERVICE_NAME } from './schema.ts';
import { problemAt } from './validate.ts';

const BUILTIN: readonly string[] = BUILTIN_SERVICES;
/** Names a service cannot have: their broker inboxes (`_INBOX.<name>`) belong to the supervisor and the owner. */
const RESERVED_NAMES: readonly string[] = ['supervisor', 'owner'];

/** Problems between keys of the merged values. */
export function crossChecks(merged: Merged): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { services, supervisor, public_url, users, gateway, kit, broker, https } = merged.values;
  if (isMap(services)) {
    for (const [name, svc] of Object.entries(services)) {
      if (!SERVICE_NAME.test(name) || !isMap(svc)) continue;
      if (RESERVED_NAMES.includes(name)) {
        problems.push(problemAt(merged, ['services', name], `\`${name}\` is reserved: the broker gives its inbox to Hearth's ${name}`,
          `a service name other than ${RESERVED_NAMES.join(' and ')}`));
        continue;
      }
      if (!BUILTIN.includes(name) && (svc.entry === undefined || svc.entry === '')) {
        problems.push(problemAt(merged, ['services', name, 'entry'], `\`${name}\` is not a built-in service, so it needs an entry`,
          `the path of the module file that runs it (built-in services: ${BUILTIN.join(', ')})`));
      }
      if (isMap(svc.db)) problems.push(...dbChecks(merged, name, svc.db));
    }
  }
  if (isMap(supervisor) && num(supervisor.restart_initial_ms) > num(supervisor.restart_max_ms)) {
    problems.push(problemAt(merged, ['supervisor', 'restart_initial_ms'], 'greater than supervisor.restart_max_ms',
      `at most supervisor.restart_max_ms (${supervisor.restart_max_ms})`));
  }
  // Requests cross the broker whole; the embedded broker refuses anything over max_payload.
  if (isMap(kit) && isMap(broker) && broker.url === '' && num(kit.max_request_bytes) > num(broker.max_payload)) {
    problems.push(problemAt(merged, ['kit', 'max_request_bytes'], 'greater than broker.max_payload',
      `at most broker.max_payload (${broker.max_payload})`));
  }
  // HTTPS needs its two files, unless ACME obtains the certificate (https.domain); the files themselves are read at start (serve.ts), not here.
  if (isMap(https) && typeof https.address === 'string' && https.address !== '' && !https.domain) {
    for (const key of ['cert_file', 'key_file'] as const) {
      if (https[key] === '') {
        problems.push(problemAt(merged, ['https', key], 'empty while https.address is set',
          `the path of the PEM ${key === 'cert_file' ? 'certificate chain' : 'private key'} file, or https.domain for a certificate over ACME (or https.address "" for no HTTPS)`));
      }
    }
  }
  return problems;
}

function dbChecks(merged: Merged, name: string, db: Record<string, unknown>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const url = typeof db.url === 'string' ? db.url : '';
  const syncUrl = typeof db.sync_url === 'string' ? db.sync_url : '';
  if (syncUrl !== '' && url !== '' && !url.startsWith('file:')) {
    out.push(problemAt(merged, ['services', name, 'db', 'sync_url'], 'an embedded replica needs a local file, but db.url is remote',
      '"" while db.url names a remote database (set db.url to "" or a file: URL to make a replica)'));
  }
  // The libSQL client cannot send a password in a URL (it fails, and its error shows the URL).
  for (const [key, value] of [['url', url], ['sync_url', syncUrl]] as const) {
    if (/^[a-z]+:\/\/[^/@]*@/i.test(value)) {
      out.push(problemAt(merged, ['services', name, 'db', key], 'a user name or password in the URL, which the libSQL client cannot use',
        'the URL without them; put the token in db.auth_token'));
    }
  }
  if (num(db.sync_interval) > 0 && syncUrl === '') {
    out.push(problemAt(merged, ['services', name, 'db', 'sync_interval'], 'set without db.sync_url',
      '0 unless db.sync_url makes the database an embedded replica'));
  }
  return out;
}

/** A number, or NaN for anything else (so comparisons with it are false). */
function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}
