/**
 * `GET /v1/instance` through the real gateway and users service, one Hearth per
 * configuration: the registration mode and the map tiles follow the configuration (an
 * empty tile URL included), `setupNeeded` turns false with the first registration, the
 * version is the one `hearth version` prints, nothing is cached, no credentials are
 * needed — and while users is down the route answers 503 like users' other routes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HearthConfig } from '../../src/config/index.ts';
import { spawnHearth } from '../support/hearth-process.ts';
import { assertProblem, call } from '../support/http.ts';
import { signUp } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const OSM = { tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', tileAttribution: '© OpenStreetMap contributors' };

interface Scenario {
  name: string;
  edit: (c: HearthConfig) => void;
  registration: 'open' | 'invite-only' | 'closed';
  web: { tileUrl: string; tileAttribution: string };
}

const SCENARIOS: Scenario[] = [
  { name: 'invite-only with the default tiles', edit: (c) => void (c.users.registration = 'invite-only'), registration: 'invite-only', web: OSM },
  {
    name: 'open with another tile server',
    edit: (c) => {
      c.users.registration = 'open';
      c.web.tile_url = 'https://{s}.tiles.example.org/{z}/{x}/{y}.png?key=public';
      c.web.tile_attribution = 'Tiles © Example Maps';
    },
    registration: 'open',
    web: { tileUrl: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png?key=public', tileAttribution: 'Tiles © Example Maps' },
  },
  {
    name: 'closed with no map tiles',
    edit: (c) => {
      c.users.registration = 'closed';
      c.web.tile_url = '';
    },
    registration: 'closed',
    web: { tileUrl: '', tileAttribution: OSM.tileAttribution },
  },
];

describe('gateway: GET /v1/instance', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-instance');
  let version: string;

  before(async () => {
    const cli = spawnHearth('node', ['version']);
    assert.equal(await cli.exited, 0);
    version = /^hearth (\S+) /.exec(cli.output())![1]!;
  });

  // One Hearth at a time: two users services on one broker would share the requests.
  for (const s of SCENARIOS) {
    it(`tells a client before sign-in: ${s.name}; setup is needed until the first account exists`, async () => {
      const h = await startInProcessHearth(broker().url, dir, s.edit);
      try {
        const fresh = await call(h, 'GET', '/v1/instance');
        assert.equal(fresh.status, 200, fresh.text);
        assert.equal(fresh.headers.get('cache-control'), 'no-store');
        assert.match(fresh.headers.get('content-type')!, /^application\/json/);
        const expected = { name: 'Hearth', version, registration: s.registration, setupNeeded: true, publicUrl: 'https://hearth.test', web: s.web, oidc: [] };
        assert.deepEqual(fresh.body, expected);
        await signUp(h, 'Root'); // the first account needs no invite, whatever the mode
        assert.deepEqual((await call(h, 'GET', '/v1/instance')).body, { ...expected, setupNeeded: false });
      } finally {
        await h.stop();
      }
    });
  }

  describe('with a running Hearth', () => {
    let h: InProcessHearth;
    before(async () => {
      h = await startInProcessHearth(broker().url, dir);
    });
    after(() => h?.stop());

    it('needs no credentials: a bad token is not even looked at', async () => {
      const a = await call(h, 'GET', '/v1/instance', { token: 'not-a-token' });
      assert.equal(a.status, 200, a.text);
      assert.equal(a.body.setupNeeded, true);
    });

    it('is in the OpenAPI document, public, with its reply', async () => {
      const op = (await call(h, 'GET', '/v1/openapi.json')).body.paths['/v1/instance'].get;
      assert.deepEqual(op.security, []);
      const reply = op.responses['200'].content['application/json'].schema;
      assert.deepEqual(Object.keys(reply.properties).sort(), ['name', 'oidc', 'publicUrl', 'registration', 'setupNeeded', 'version', 'web']);
      assert.deepEqual(reply.properties.registration.enum, ['open', 'invite-only', 'closed']);
    });

    it('answers 503 kit.no_responders with Retry-After while users is down, and again when it is back', async () => {
      await h.stopUsers();
      try {
        const down = await call(h, 'GET', '/v1/instance');
        assertProblem(down, 503, 'kit.no_responders');
        assert.ok(Number(down.headers.get('retry-after')) >= 1);
      } finally {
        await h.startUsers();
      }
      await waitFor('GET /v1/instance to answer again', async () => (await call(h, 'GET', '/v1/instance')).status === 200, 10_000);
    });
  });
});
