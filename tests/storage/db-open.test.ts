/**
 * Opening a database that is not a plain local file, against real endpoints made here (no
 * libSQL server exists on this machine): a closed port, a port that accepts and never
 * answers, HTTP servers that are not libSQL (404, an HTML page) or refuse the token, a host name that does not
 * resolve — as `db.url` and as the primary (`db.sync_url`) of an embedded replica — and
 * `file:` URLs that cannot be created. Each is `storage.unavailable` within the connect
 * bound (a silent server used to make the service wait for ever), naming the service, the
 * URL without credentials and what to check, and never the token or a URL's password.
 * The endpoints run in a process of their own (endpoints.ts says why).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, openDb, type DbOptions } from '../../src/kit/index.ts';
import { freePort } from '../support/net.ts';
import { useTempDir } from '../support/test-file.ts';

const TOKEN = 'tok-secret-0a9f3e';
/** The connect bound (kit/db/reach.ts), and room for a loaded machine. */
const BOUND_MS = 10_000 + 15_000;

describe('opening an unreachable or wrong database', { timeout: 120_000 }, () => {
  const dir = useTempDir('db-open');
  let endpoints: ChildProcess;
  const port = { silent: 0, closed: 0, notFound: 0, html: 0, unauthorized: 0 };

  before(async () => {
    endpoints = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'endpoints.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: endpoints.stdout! }), 'line')) as [string];
    Object.assign(port, JSON.parse(line), { closed: await freePort() });
  });

  after(() => endpoints?.kill());

  const at = (p: keyof typeof port, scheme = 'http') => `${scheme}://127.0.0.1:${port[p]}`;
  const replica = (name: string, syncUrl: string): DbOptions => ({ path: join(dir, `${name}.db`), syncUrl, authToken: TOKEN });
  /** name, options (made once the ports are known), what the message must say. */
  const cases: [string, () => DbOptions, RegExp[]][] = [
    ['url: closed port', () => ({ url: at('closed'), authToken: TOKEN }), [/database http:\/\/127\.0\.0\.1:\d+: connection refused\./, /services\.chat\.db\.url/]],
    ['url: accepts, never answers', () => ({ url: at('silent'), authToken: TOKEN }), [/no answer within 10 s/, /check the port/]],
    ['url (ws): accepts, never answers', () => ({ url: at('silent', 'ws') }), [/ws:\/\/127\.0\.0\.1:\d+: no answer within 10 s/]],
    ['url: HTTP 404', () => ({ url: at('notFound'), authToken: TOKEN }), [/answered, but not as a libSQL server \(.*404/, /sqld or Turso/]],
    ['url: an HTML page', () => ({ url: at('html'), authToken: TOKEN }), [/answered, but not as a libSQL server/]],
    ['url (ws): an HTML page', () => ({ url: at('html', 'ws') }), [/answered, but not as a libSQL server/]],
    ['url: the token refused', () => ({ url: at('unauthorized'), authToken: TOKEN }), [/the server refused the credentials/, /services\.chat\.db\.auth_token/]],
    ['url: no such host', () => ({ url: 'libsql://no-such-host.invalid', authToken: TOKEN }), [/libsql:\/\/no-such-host\.invalid: the host name does not resolve/, /network and DNS/]],
    ['url: a password and a token in the URL', () => ({ url: `http://me:pw-in-url-77@127.0.0.1:${port.closed}?authToken=qs-token-88`, authToken: TOKEN }), [/database http:\/\/127\.0\.0\.1:\d+: /, /auth_token/]],
    ['sync_url: closed port', () => replica('r-closed', at('closed')), [/the primary http:\/\/127\.0\.0\.1:\d+ of its replica: connection refused/, /services\.chat\.db\.sync_url/]],
    ['sync_url: accepts, never answers', () => replica('r-silent', at('silent')), [/of its replica: no answer within 10 s/]],
    ['sync_url: HTTP 404', () => replica('r-404', at('notFound')), [/of its replica: the server answered, but not as a libSQL server/, /libSQL primary/]],
    ['sync_url: an HTML page', () => replica('r-html', at('html')), [/of its replica: the server answered, but not as a libSQL server/]],
    ['sync_url: the token refused', () => replica('r-401', at('unauthorized')), [/of its replica: the server refused the credentials/]],
    ['sync_url: no such host', () => replica('r-dns', 'libsql://no-such-host.invalid'), [/the primary libsql:\/\/no-such-host\.invalid of its replica: the host name does not resolve/]],
    ['file: a missing directory', () => ({ url: `file:${join(dir, 'missing', 'x.db')}` }), [/cannot open or create the file/, /directory exists/]],
    ['file: under a file', () => ({ url: `file:${join('/etc/hostname', 'x.db')}` }), [/cannot open or create the file/]],
    ['file: a directory nobody may write (procfs)', () => ({ url: 'file:/proc/hearth-test/x.db' }), [/cannot open or create the file/]],
  ];

  // All at once: the silent ones each take the whole bound.
  it('each is storage.unavailable within the bound, says what to check and hides every secret', async () => {
    const results = await Promise.all(cases.map(async ([name, options, says]) => {
      const started = Date.now();
      const err = await openDb({ ...options(), service: 'chat' }).then(
        (db) => (db.close(), new Error(`${name}: opened`)),
        (e: unknown) => e,
      );
      return { name, says, err, ms: Date.now() - started };
    }));
    for (const { name, says, err, ms } of results) {
      assert.ok(err instanceof AppError, `${name}: ${String(err)}`);
      assert.equal(err.code, 'storage.unavailable', name);
      assert.equal(err.kind, 'unavailable', name);
      assert.match(err.message, /^The chat service cannot open its database/, name);
      for (const re of says) assert.match(err.message, re, `${name}: ${err.message}`);
      for (const secret of [TOKEN, 'pw-in-url-77', 'qs-token-88']) {
        assert.ok(!err.message.includes(secret) && !JSON.stringify(err.details).includes(secret), `${name} shows a secret: ${err.message}`);
      }
      assert.ok(ms < BOUND_MS, `${name} took ${ms} ms`);
    }
  });

  it('leaves no file behind for a replica that never synced', () => {
    assert.equal(existsSync(join(dir, 'r-closed.db')), false);
  });
});
