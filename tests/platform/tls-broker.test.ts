/**
 * Hearth's own connections over `tls://` (issue #19): `hearth serve --broker tls://…` and
 * its `hearth service` children against a broker that requires TLS and verifies client
 * certificates — the embedded broker run alone (`hearth broker -c`), as on a hub machine.
 * The supervisor hands `broker.tls` to its children; commands, events and catch-up work
 * as over nats://. A CA that does not match, or no client certificate, stops `serve` with
 * a clear error (exit 2) rather than a crash; a tls:// URL never falls back to plain TCP.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'nats';
import { Requester } from '../../src/kit/index.ts';
import { AddEntry, GetTally, GetTotal } from '../kit-service/contracts.ts';
import { makeCerts } from '../support/certs.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { ONLY_TEST_SERVICES, OWNER, writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';
import { hearthAuthorization } from '../support/nats-server.ts';

const HEARTH = { user: 'hearth', password: 'hearth-over-tls-9b2e' };

describe('Hearth over tls:// to a broker that verifies client certificates', { timeout: 90_000 }, () => {
  const certs = makeCerts();
  const cfg = writeTestConfig();
  const tlsEnv = {
    HEARTH_BROKER__TLS__CA_FILE: certs.ca,
    HEARTH_BROKER__TLS__CERT_FILE: certs.clientCert,
    HEARTH_BROKER__TLS__KEY_FILE: certs.clientKey,
  };
  const asHearth = { ...ONLY_TEST_SERVICES, HEARTH_BROKER__USER: HEARTH.user, HEARTH_BROKER__PASSWORD: HEARTH.password };
  let hub: HearthProcess;
  let url: string;

  before(async () => {
    const conf = join(cfg.dir, 'broker.conf');
    writeFileSync(conf, `listen: 127.0.0.1:-1
${hearthAuthorization(HEARTH)}
tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}", ca_file: "${certs.ca}", verify: true }
`);
    hub = spawnHearth('node', ['broker', '-c', conf, '--ports_file_dir', cfg.dir]);
    const ports = await waitFor('the broker\'s ports file', async () => {
      const f = readdirSync(cfg.dir).find((n) => n.endsWith('.ports'));
      return f ? (JSON.parse(readFileSync(join(cfg.dir, f), 'utf8')) as { nats: string[] }) : undefined;
    }, 20_000);
    url = ports.nats[0]!;
  });
  after(async () => {
    await hub?.stop('SIGKILL');
    certs.remove();
  });

  it('names itself tls:// in its ports file', () => assert.match(url, /^tls:\/\/127\.0\.0\.1:\d+$/));

  it('runs hearth serve and its services over it', async () => {
    const h = spawnHearth('node', ['serve', '--config', cfg.file, '--broker', url], { env: { ...asHearth, ...tlsEnv } });
    try {
      const { http, broker } = await bannerOf(h);
      assert.equal(broker, url);
      assert.equal((await getJson(`${http}/readyz`)).status, 200);
      const nc = await connect({ servers: url, user: OWNER.user, pass: OWNER.password, tls: { caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey } });
      const req = new Requester(nc, { timeoutMs: 3000, maxRequestBytes: 65536 });
      await req.request(AddEntry, { key: 'x', amount: 2 });
      assert.equal((await req.request(GetTotal, { key: 'x' })).total, 2);
      // tally runs in another child and hears ledger's event over its own TLS connection
      await waitFor('tally to apply the entry', async () => (await req.request(GetTally, {})).applied === 1, 15_000);
      await nc.close();
      assert.equal(await h.stop('SIGTERM'), 0);
    } finally {
      await h.stop('SIGKILL');
    }
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ['without the CA that signed the broker\'s certificate', { ...tlsEnv, HEARTH_BROKER__TLS__CA_FILE: '' }, /self-signed certificate in certificate chain \(TLS: check broker\.tls/],
    ['without a client certificate', { HEARTH_BROKER__TLS__CA_FILE: certs.ca }, /\(TLS: check broker\.tls/],
    ['with a client certificate but no key', { ...tlsEnv, HEARTH_BROKER__TLS__KEY_FILE: '' }, /broker\.tls\.cert_file and broker\.tls\.key_file go together/],
  ];
  for (const [what, env, says] of refusals) {
    it(`stops serve with a clear error ${what}`, async () => {
      const h = spawnHearth('node', ['serve', '--config', cfg.file, '--broker', url], { env: { ...asHearth, ...env } });
      assert.equal(await h.exited, 2);
      assert.match(h.output(), new RegExp(`hearth: cannot connect to the broker at ${url.replace(/[.]/g, '\\.')}: .*${says.source}`));
      assert.doesNotMatch(h.output(), /\n\s+at /, 'no stack trace');
    });
  }
});
