/**
 * Shutdown (issue item 9): the exit codes nats-server gives for SIGINT and SIGTERM, and
 * lame-duck mode on SIGUSR2 — clients are told with an INFO carrying "ldm":true, new
 * connections are refused, existing ones are closed, and the process exits 0.
 *
 * nats-server 2.9.10 (and 2.10) exits 1 on SIGTERM and 0 on SIGINT (server/signal.go:
 * `case syscall.SIGTERM: ... os.Exit(1)`). Hearth's broker exits 0 on SIGTERM, as the issue
 * asks, so that a service manager sees a clean stop: the one assertion that differs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Events, type NatsConnection } from 'nats';
import { conf, start, targets } from './targets.ts';
import { rawConnect, rawReady } from './raw-client.ts';
import { SUITE_TIMEOUT } from './support-broker.ts';
import { tcpClient } from './support-clients.ts';
import { waitFor } from '../support/poll.ts';

// nats-server refuses a lame_duck_duration under 30 s; the grace period is the wait before
// the first client is closed, and at most 1 s passes between closes after it.
const ldmConf = conf('lame_duck_duration: "30s"\nlame_duck_grace_period: "500ms"');

/** Resolves true when `nc` reports a lame-duck status event within `timeoutMs`. */
function sawLameDuck(nc: NatsConnection, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === Events.LDM) {
          clearTimeout(timer);
          resolve(true);
          return;
        }
      }
    })();
  });
}

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    it('exits 0 on SIGINT and closes its clients', async () => {
      const b = await start(target, conf());
      const nc = await tcpClient(b);
      const closed = nc.closed();
      const code = await b.stop('SIGINT');
      assert.equal(code, 0);
      await closed;
      assert.equal(nc.isClosed(), true);
    });

    // nats-server exits 1 on SIGTERM (server/signal.go); Hearth's broker exits 0 so that a
    // service manager sees a clean stop. A deliberate difference, listed in docs/broker.md.
    const termCode = target.name === 'nats-server' ? 1 : 0;
    it(`exits ${termCode} on SIGTERM and closes its clients`, async () => {
      const b = await start(target, conf());
      const raw = await rawReady(b.port);
      const code = await b.stop('SIGTERM');
      assert.equal(code, termCode);
      assert.equal(await raw.waitClosed(1000), true);
      raw.close();
    });

    // Hearth-only: nats-server closes at once on SIGTERM; the issue asks for a drain that
    // first tells clients (INFO with ldm) so they reconnect elsewhere without waiting.
    it('tells protocol-1 clients it is going away (INFO ldm) before closing on SIGTERM', { skip: target.name === 'nats-server' }, async () => {
      const b = await start(target, conf());
      const raw = await rawReady(b.port, { protocol: 1 });
      const stopped = b.stop('SIGTERM');
      const line = await raw.readUntil(/INFO \{.*\} ?\r\n/, 2000);
      assert.equal((JSON.parse(/INFO (\{.*\})/.exec(line)![1]!) as { ldm?: boolean }).ldm, true);
      assert.equal(await raw.waitClosed(1000), true);
      assert.equal(await stopped, 0);
      raw.close();
    });

    it('keeps serving its clients after SIGHUP (nats-server reloads; Hearth logs that it cannot)', async () => {
      const b = await start(target, conf());
      const raw = await rawReady(b.port);
      try {
        b.child.kill('SIGHUP');
        await new Promise((r) => setTimeout(r, 300));
        raw.write('PING\r\n');
        await raw.readUntil('PONG\r\n', 1000);
        assert.equal(b.child.exitCode, null);
      } finally {
        raw.close();
        await b.stop('SIGINT');
      }
    });

    it('on SIGUSR2 enters lame-duck mode: INFO with ldm, no new connections, clients closed, exit 0', async () => {
      const b = await start(target, ldmConf);
      const raw = await rawReady(b.port, { protocol: 1 });
      const nc = await tcpClient(b);
      try {
        const ldmEvent = sawLameDuck(nc, 3000);
        b.child.kill('SIGUSR2');

        const line = await raw.readUntil(/INFO \{.*\} ?\r\n/, 2000);
        const info = JSON.parse(/INFO (\{.*\})/.exec(line)![1]!) as Record<string, unknown>;
        assert.equal(info.ldm, true);
        assert.equal(await ldmEvent, true, 'the nats client reports the lame-duck INFO');

        // The listener is closed once lame duck starts.
        await waitFor('new connections to be refused', () =>
          rawConnect(b.port).then(
            (c) => {
              c.close();
              return false;
            },
            () => true,
          ),
          2000,
        );

        assert.equal(await raw.waitClosed(4000), true, 'the raw client is closed');
        await waitFor('the nats client to be closed', () => nc.isClosed(), 4000);
        await waitFor('the broker to exit', () => b.child.exitCode !== null || b.child.signalCode !== null, 4000);
        assert.equal(b.child.exitCode, 0);
      } finally {
        raw.close();
        await nc.close();
        await b.stop('SIGKILL');
      }
    });
  });
}
