import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS as defaults } from '../../config/index.ts';
import { assertMentions, problemLine } from './expect-problem.ts';
import { ConfigError, loadConfig } from './index.ts';

const cwd = '/srv/hearth';
const load = (argv: string[], env: Record<string, string> = {}) => () => loadConfig(argv, env, { cwd });

describe('loadConfig without a file', () => {
  it('gives the defaults of config/defaults.json, with data made absolute', () => {
    const { config, sources, rest } = loadConfig([], {}, { cwd });
    assert.deepEqual(config, { ...defaults, data: '/srv/hearth/data' });
    assert.deepEqual(sources['broker.port'], { kind: 'default' });
    assert.deepEqual(rest, []);
  });

  // defaults < env < flags, for each key a flag can set.
  const layered: { key: string; env: [string, string]; flag: [string, string]; read: (c: ReturnType<typeof loadConfig>['config']) => unknown; fromDefault: unknown; fromEnv: unknown; fromFlag: unknown }[] = [
    { key: 'data', env: ['HEARTH_DATA', '/var/lib/hearth'], flag: ['--data', 'here'], read: (c) => c.data, fromDefault: '/srv/hearth/data', fromEnv: '/var/lib/hearth', fromFlag: '/srv/hearth/here' },
    { key: 'http', env: ['HEARTH_HTTP', '0.0.0.0:80'], flag: ['--http', '[::1]:0'], read: (c) => c.http, fromDefault: '127.0.0.1:8080', fromEnv: '0.0.0.0:80', fromFlag: '[::1]:0' },
    { key: 'log.level', env: ['HEARTH_LOG__LEVEL', 'warn'], flag: ['--log-level', 'debug'], read: (c) => c.log.level, fromDefault: 'info', fromEnv: 'warn', fromFlag: 'debug' },
    { key: 'broker.url', env: ['HEARTH_BROKER__URL', 'nats://e:4222, tls://e2:4222'], flag: ['--broker', 'wss://f.example/nats'], read: (c) => c.broker.url, fromDefault: '', fromEnv: 'nats://e:4222, tls://e2:4222', fromFlag: 'wss://f.example/nats' },
  ];
  for (const row of layered) {
    it(`takes ${row.key} from defaults, then ${row.env[0]}, then ${row.flag[0]}`, () => {
      const env = { [row.env[0]]: row.env[1] };
      const none = loadConfig([], {}, { cwd });
      const fromEnv = loadConfig([], env, { cwd });
      const fromFlag = loadConfig([row.flag[0], row.flag[1]], env, { cwd });
      assert.equal(row.read(none.config), row.fromDefault);
      assert.equal(row.read(fromEnv.config), row.fromEnv);
      assert.equal(row.read(fromFlag.config), row.fromFlag);
      assert.deepEqual(fromEnv.sources[row.key], { kind: 'env', name: row.env[0] });
      assert.deepEqual(fromFlag.sources[row.key], { kind: 'flag', name: row.flag[0] });
    });
  }

  it('adds a built-in service from the environment with its defaults', () => {
    const { config, sources } = loadConfig([], { HEARTH_SERVICES__USERS__INSTANCES: '3' }, { cwd });
    assert.deepEqual(config.services.users, {
      enabled: true, entry: '', instances: 3, broker_user: '', broker_password: '', db: { url: '', sync_url: '', auth_token: '', sync_interval: 0 },
    });
    assert.deepEqual(sources['services.users.instances'], { kind: 'env', name: 'HEARTH_SERVICES__USERS__INSTANCES' });
    assert.deepEqual(sources['services.users.enabled'], { kind: 'default' });
  });

  it('accepts a plug-in service with an entry, made absolute', () => {
    const { config } = loadConfig([], { HEARTH_SERVICES__ECHO__ENTRY: 'plugins/echo.ts' }, { cwd });
    assert.equal(config.services.echo?.entry, '/srv/hearth/plugins/echo.ts');
  });

  it('accepts an embedded replica and a remote database', () => {
    const { config } = loadConfig([], {
      HEARTH_SERVICES__USERS__DB__SYNC_URL: 'libsql://primary.example.io',
      HEARTH_SERVICES__USERS__DB__AUTH_TOKEN: 'tok',
      HEARTH_SERVICES__USERS__DB__SYNC_INTERVAL: '30',
      HEARTH_SERVICES__CHAT__DB__URL: 'https://chat-db.example.io',
    }, { cwd });
    assert.deepEqual(config.services.users?.db, { url: '', sync_url: 'libsql://primary.example.io', auth_token: 'tok', sync_interval: 30 });
    assert.equal(config.services.chat?.db.url, 'https://chat-db.example.io');
  });

  for (const template of ['', 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', 'http://127.0.0.1:8081/tiles/{z}/{y}/{x}.png?key=abc', 'https://tiles.example.org/{s}/{z}/{x}/{y}@2x.png']) {
    it(`accepts the tile URL template ${JSON.stringify(template)}`, () => {
      assert.equal(loadConfig([], { HEARTH_WEB__TILE_URL: template }, { cwd }).config.web.tile_url, template);
    });
  }

  it('ignores the variables Hearth sets for its own children', () => {
    assert.doesNotThrow(load([], { HEARTH_SERVICE: 'users-1', HEARTH_SUPERVISED: '4242' }));
  });

  it('hands back the arguments that are not flags', () => {
    assert.deepEqual(loadConfig(['users', '--data', 'd', 'extra'], {}, { cwd }).rest, ['users', 'extra']);
  });

  // Each error names the key, the bad value, where it came from and what is allowed.
  const errors: { name: string; argv?: string[]; env?: Record<string, string>; key: string; says: string[] }[] = [
    { name: 'bad type', env: { HEARTH_BROKER__PORT: 'abc' }, key: 'broker.port', says: ['"abc"', 'env HEARTH_BROKER__PORT', 'wrong type (a string)', 'allowed: an integer from 1 to 65535, or -1'] },
    { name: 'bad boolean', env: { HEARTH_BROKER__WEBSOCKET__ENABLED: 'yes' }, key: 'broker.websocket.enabled', says: ['"yes"', 'env HEARTH_BROKER__WEBSOCKET__ENABLED', 'allowed: true or false'] },
    { name: 'out of range', env: { HEARTH_SERVICES__USERS__INSTANCES: '17' }, key: 'services.users.instances', says: ['= 17', 'env HEARTH_SERVICES__USERS__INSTANCES', 'out of range', 'allowed: an integer from 1 to 16'] },
    { name: 'not whole', env: { HEARTH_KIT__RELAY_BATCH: '2.5' }, key: 'kit.relay_batch', says: ['= 2.5', 'env HEARTH_KIT__RELAY_BATCH', 'not a whole number', 'allowed: an integer from 1 to 10000'] },
    { name: 'port 0 where it is not "off"', env: { HEARTH_BROKER__WEBSOCKET__PORT: '0' }, key: 'broker.websocket.port', says: ['= 0', 'env HEARTH_BROKER__WEBSOCKET__PORT', 'or -1 for any free port'] },
    { name: 'bad enum', argv: ['--log-level', 'verbose'], key: 'log.level', says: ['"verbose"', 'flag --log-level', 'not one of the choices', 'allowed: one of debug, info, warn, error'] },
    { name: 'bad format enum', env: { HEARTH_LOG__FORMAT: 'xml' }, key: 'log.format', says: ['"xml"', 'env HEARTH_LOG__FORMAT', 'allowed: one of auto, json, pretty'] },
    { name: 'HOST:PORT without a port', argv: ['--http', 'localhost'], key: 'http', says: ['"localhost"', 'flag --http', 'allowed: HOST:PORT'] },
    { name: 'HOST:PORT with a port too big', env: { HEARTH_HTTP: '1.2.3.4:70000' }, key: 'http', says: ['"1.2.3.4:70000"', 'env HEARTH_HTTP', 'port from 0 to 65535'] },
    { name: 'bad host', env: { HEARTH_BROKER__HOST: 'not a host' }, key: 'broker.host', says: ['"not a host"', 'env HEARTH_BROKER__HOST', 'a host name or IP address'] },
    { name: 'empty data', argv: ['--data='], key: 'data', says: ['= ""', 'flag --data', 'empty', 'a directory path'] },
    { name: 'broker URL scheme', argv: ['--broker', 'http://b:4222'], key: 'broker.url', says: ['"http://b:4222"', 'flag --broker', 'nats://'] },
    { name: 'a cluster mixing TCP and WebSocket', argv: ['--broker', 'nats://a:4222,ws://b:8080'], key: 'broker.url', says: ['"nats://a:4222,ws://b:8080"', 'flag --broker', 'several separated by commas'] },
    { name: 'a cluster with an empty or bad entry', argv: ['--broker', 'nats://a:4222,,http://c'], key: 'broker.url', says: ['flag --broker', 'all nats:// and tls://'] },
    { name: 'db URL scheme', env: { HEARTH_SERVICES__USERS__DB__URL: 'postgres://x' }, key: 'services.users.db.url', says: ['"postgres://x"', 'env HEARTH_SERVICES__USERS__DB__URL', 'libsql://'] },
    { name: 'unknown flag', argv: ['--dat=x'], key: '--dat', says: ['"x"', 'the command line', 'unknown flag (did you mean --data?)', 'allowed: --config FILE, --data DIR'] },
    { name: 'flag without value', argv: ['--http'], key: 'http', says: ['flag --http', 'missing value', 'allowed: --http HOST:PORT'] },
    { name: 'unknown variable', env: { HEARTH_BROKR__URL: 'nats://x:1' }, key: 'brokr', says: ['{…}', 'env HEARTH_BROKR__URL', 'unknown key `brokr` (did you mean `broker`?)', 'allowed: the keys data, http, log, broker'] },
    { name: 'unknown nested variable', env: { HEARTH_LOG__LEVL: 'debug' }, key: 'log.levl', says: ['"debug"', 'env HEARTH_LOG__LEVL', 'did you mean `level`?', 'allowed: the keys level, format'] },
    { name: 'variable naming a section', env: { HEARTH_BROKER: 'nats://x:1' }, key: 'broker', says: ['"nats://x:1"', 'env HEARTH_BROKER', 'wrong type (a string)', 'a section with the keys url, user'] },
    { name: 'invalid service name', env: { HEARTH_SERVICES__MY_SVC__ENTRY: 'x.ts' }, key: 'services.my_svc', says: ['"my_svc"', 'env HEARTH_SERVICES__MY_SVC__ENTRY', 'not a valid name', 'lower-case letters, digits or "-"'] },
    { name: 'unknown service without entry', env: { HEARTH_SERVICES__WIDGETS__ENABLED: 'true' }, key: 'services.widgets.entry', says: ['(missing)', 'env HEARTH_SERVICES__WIDGETS__ENABLED', 'not a built-in service', 'users, location, chat, notifications, gateway'] },
    { name: 'unknown owner role', env: { HEARTH_BROKER__OWNER_ROLE: 'admin' }, key: 'broker.owner_role', says: ['"admin"', 'env HEARTH_BROKER__OWNER_ROLE', 'allowed: one of events, operator, full'] },
    { name: 'service named as the owner', env: { HEARTH_SERVICES__OWNER__ENTRY: 'x.ts' }, key: 'services.owner', says: ['env HEARTH_SERVICES__OWNER__ENTRY', '`owner` is reserved', 'other than supervisor and owner'] },
    { name: 'service named as the supervisor', env: { HEARTH_SERVICES__SUPERVISOR__ENTRY: 'x.ts' }, key: 'services.supervisor', says: ['`supervisor` is reserved'] },
    { name: 'replica of a remote database', env: { HEARTH_SERVICES__USERS__DB__URL: 'libsql://a.io', HEARTH_SERVICES__USERS__DB__SYNC_URL: 'libsql://b.io' }, key: 'services.users.db.sync_url', says: ['"libsql://b.io"', 'env HEARTH_SERVICES__USERS__DB__SYNC_URL', 'needs a local file'] },
    { name: 'sync interval without a replica', env: { HEARTH_SERVICES__USERS__DB__SYNC_INTERVAL: '5' }, key: 'services.users.db.sync_interval', says: ['= 5', 'env HEARTH_SERVICES__USERS__DB__SYNC_INTERVAL', '0 unless db.sync_url'] },
    { name: 'replica over WebSocket', env: { HEARTH_SERVICES__USERS__DB__SYNC_URL: 'wss://b.io' }, key: 'services.users.db.sync_url', says: ['"wss://b.io"', 'libsql:// or http(s)://'] },
    { name: 'password in a database URL', env: { HEARTH_SERVICES__USERS__DB__URL: 'https://me:pw-in-db-url@a.io' }, key: 'services.users.db.url', says: ['"https://me:[redacted]@a.io"', 'put the token in db.auth_token'] },
    { name: 'backoff out of order', env: { HEARTH_SUPERVISOR__RESTART_INITIAL_MS: '60000' }, key: 'supervisor.restart_initial_ms', says: ['= 60000', 'env HEARTH_SUPERVISOR__RESTART_INITIAL_MS', 'at most supervisor.restart_max_ms (30000)'] },
    { name: 'request larger than a broker message', env: { HEARTH_KIT__MAX_REQUEST_BYTES: '2000000' }, key: 'kit.max_request_bytes', says: ['= 2000000', 'env HEARTH_KIT__MAX_REQUEST_BYTES', 'at most broker.max_payload (1048576)'] },
    { name: 'tile URL without {z}', env: { HEARTH_WEB__TILE_URL: 'https://tile.example.org/{x}/{y}.png' }, key: 'web.tile_url', says: ['"https://tile.example.org/{x}/{y}.png"', 'env HEARTH_WEB__TILE_URL', 'allowed: "" (no map tiles) or an http(s):// URL template with {z}, {x} and {y} after the host'] },
    { name: 'tile URL of another scheme', env: { HEARTH_WEB__TILE_URL: 'ftp://tile.example.org/{z}/{x}/{y}.png' }, key: 'web.tile_url', says: ['"ftp://tile.example.org/{z}/{x}/{y}.png"', 'env HEARTH_WEB__TILE_URL', 'allowed: "" (no map tiles) or an http(s):// URL template with {z}, {x} and {y} after the host'] },
    { name: 'tile URL without a scheme', env: { HEARTH_WEB__TILE_URL: 'tile.openstreetmap.org/{z}/{x}/{y}.png' }, key: 'web.tile_url', says: ['"tile.openstreetmap.org/{z}/{x}/{y}.png"', 'env HEARTH_WEB__TILE_URL', 'allowed: "" (no map tiles) or an http(s):// URL template with {z}, {x} and {y} after the host'] },
    { name: 'tile URL with an unknown placeholder', env: { HEARTH_WEB__TILE_URL: 'https://tile.example.org/{z}/{x}/{y}{r}.png' }, key: 'web.tile_url', says: ['"https://tile.example.org/{z}/{x}/{y}{r}.png"', 'env HEARTH_WEB__TILE_URL', 'allowed: "" (no map tiles) or an http(s):// URL template with {z}, {x} and {y} after the host'] },
    { name: 'tile URL with a placeholder inside the host', env: { HEARTH_WEB__TILE_URL: 'https://tiles-{s}.example.org/{z}/{x}/{y}.png' }, key: 'web.tile_url', says: ['"https://tiles-{s}.example.org/{z}/{x}/{y}.png"', 'env HEARTH_WEB__TILE_URL', 'allowed: "" (no map tiles) or an http(s):// URL template with {z}, {x} and {y} after the host'] },
    { name: 'tile URL with credentials', env: { HEARTH_WEB__TILE_URL: 'https://me:pw@tile.example.org/{z}/{x}/{y}.png' }, key: 'web.tile_url', says: ['"https://me:[redacted]@tile.example.org/{z}/{x}/{y}.png"', 'env HEARTH_WEB__TILE_URL', 'allowed: "" (no map tiles) or an http(s):// URL template with {z}, {x} and {y} after the host'] },
    { name: 'ACME domain that is no DNS name', env: { HEARTH_HTTPS__ADDRESS: '0.0.0.0:443', HEARTH_HTTPS__DOMAIN: 'https://hearth.example.home' }, key: 'https.domain', says: ['"https://hearth.example.home"', 'env HEARTH_HTTPS__DOMAIN', 'a DNS name'] },
    { name: 'HTTPS with neither a domain nor files', env: { HEARTH_HTTPS__ADDRESS: '0.0.0.0:443' }, key: 'https.cert_file', says: ['empty while https.address is set', 'https.domain for a certificate over ACME'] },
    { name: 'tile attribution too long', env: { HEARTH_WEB__TILE_ATTRIBUTION: 'x'.repeat(301) }, key: 'web.tile_attribution', says: ['env HEARTH_WEB__TILE_ATTRIBUTION', 'up to 300 characters'] },
  ];
  for (const e of errors) {
    it(`reports ${e.name} naming key, value, source and what is allowed`, () => {
      assertMentions(problemLine(load(e.argv ?? [], e.env), e.key), e.says);
    });
  }

  it('redacts secrets in errors', () => {
    const env = { HEARTH_BROKER__PASSWROD: 'hunter2', HEARTH_SERVICES__USERS__DB__AUTH_TOKN: 'tok-123' };
    const argv = ['--broker', 'http://svc:pw-in-url@b:4222'];
    assertMentions(problemLine(load(argv, env), 'broker.passwrod'), ['= [redacted]', 'did you mean `password`?']);
    assertMentions(problemLine(load(argv, env), 'services.users.db.auth_tokn'), ['= [redacted]']);
    assertMentions(problemLine(load(argv, env), 'broker.url'), ['"http://svc:[redacted]@b:4222"']);
    const message = (() => {
      try {
        loadConfig(argv, env, { cwd });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    for (const secret of ['hunter2', 'tok-123', 'pw-in-url']) assert.ok(!message.includes(secret), secret);
  });

  it('lists every problem, one per line, and keeps them on the error', () => {
    const run = load(['--log-level', 'loud', '--nope'], { HEARTH_BROKER__PORT: 'x', HEARTH_FOO: '1' });
    assert.throws(run, (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, 'config.invalid');
      assert.deepEqual(err.problems.map((p) => p.key).sort(), ['--nope', 'broker.port', 'foo', 'log.level']);
      const lines = err.message.split('\n');
      assert.equal(lines[0], 'invalid configuration (4 problems):');
      assert.equal(lines.length, 5);
      return true;
    });
  });

  it('reports every unknown key of a section, not only the first', () => {
    assert.throws(load([], { HEARTH_LOG__A: '1', HEARTH_LOG__B: '2' }), (err: ConfigError) => err.problems.length === 2);
  });
});
