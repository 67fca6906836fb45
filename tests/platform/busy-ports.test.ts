/**
 * `hearth serve` with an address already taken (finding 6 of #13): it fails before starting
 * any service, with exit code 2 and one line per address — which address, which setting to
 * change — and no stack trace; several busy addresses give several lines.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runtimeSkip, spawnHearth, type HearthRuntime } from '../support/hearth-process.ts';
import { writeTestConfig } from '../support/config.ts';

/** Listens on a free port of 127.0.0.1, as another program would. */
async function squatter(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

describe('hearth serve with a busy address', { timeout: 120_000 }, () => {
  const held: Server[] = [];
  after(() => held.forEach((s) => s.close()));

  /** Runs serve with `extra` configuration (`{http}`, `{nats}` … replaced by busy ports); returns its exit code and output. */
  async function serve(extra: (ports: number[]) => string, busy: number, args: (ports: number[]) => string[] = () => [], rt: HearthRuntime = 'node') {
    const ports: number[] = [];
    for (let i = 0; i < busy; i++) {
      const s = await squatter();
      held.push(s.server);
      ports.push(s.port);
    }
    const cfg = writeTestConfig(extra(ports));
    const h = spawnHearth(rt, ['serve', '--config', cfg.file, ...args(ports)], { cwd: cfg.dir });
    const code = await h.exited;
    const lines = h.output().split('\n').filter((l) => l.startsWith('hearth: '));
    assert.doesNotMatch(h.output(), /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(join(cfg.data, 'ledger.db')), false, 'no service was started');
    return { code, lines, ports, output: h.output() };
  }

  for (const rt of ['node', 'bun', 'deno'] as const) {
    it(`names the HTTP address and the \`http\` setting (on ${rt})`, { skip: rt === 'node' ? undefined : runtimeSkip(rt) }, async () => {
      const r = await serve(() => '', 1, ([p]) => ['--http', `127.0.0.1:${p}`], rt);
      assert.equal(r.code, 2, r.output);
      assert.deepEqual(r.lines, [
        `hearth: cannot listen on 127.0.0.1:${r.ports[0]} for HTTP: the address is in use (by another program, or by another of these settings); change \`http\` (--http HOST:PORT, HEARTH_HTTP)`,
      ]);
    });
  }

  it("names the broker's port and `broker.port`", async () => {
    const r = await serve(([p]) => `broker { port: ${p} }`, 1);
    assert.equal(r.code, 2, r.output);
    assert.deepEqual(r.lines, [
      `hearth: cannot listen on 127.0.0.1:${r.ports[0]} for the broker: the address is in use (by another program, or by another of these settings); change \`broker.port\` (HEARTH_BROKER__PORT; -1 picks a free one)`,
    ]);
  });

  it('gives one line per busy address: HTTP, broker, WebSocket and monitoring', async () => {
    const r = await serve(([, n, w, m]) => `broker { port: ${n}, websocket { port: ${w} }, http_port: ${m} }`, 4, ([h]) => ['--http', `127.0.0.1:${h}`]);
    assert.equal(r.code, 2, r.output);
    assert.equal(r.lines.length, 4, r.lines.join('\n'));
    const [h, n, w, m] = r.ports;
    assert.match(r.lines[0]!, new RegExp(`127\\.0\\.0\\.1:${h} for HTTP: .*change \`http\``));
    assert.match(r.lines[1]!, new RegExp(`127\\.0\\.0\\.1:${n} for the broker: .*change \`broker\\.port\``));
    assert.match(r.lines[2]!, new RegExp(`127\\.0\\.0\\.1:${w} for the broker's WebSocket: .*change \`broker\\.websocket\\.port\``));
    assert.match(r.lines[3]!, new RegExp(`127\\.0\\.0\\.1:${m} for the broker's monitoring: .*change \`broker\\.http_port\``));
  });

  it('catches two settings naming the same port', async () => {
    const free = await squatter(); // a port nobody else holds once we let go of it
    await new Promise((r) => free.server.close(r));
    const p = free.port;
    const r = await serve(() => `broker { port: ${p}, websocket { port: ${p} } }`, 0);
    assert.equal(r.code, 2, r.output);
    assert.deepEqual(r.lines.length, 1, r.lines.join('\n'));
    assert.match(r.lines[0]!, new RegExp(`127\\.0\\.0\\.1:${p} for the broker's WebSocket: the address is in use .*broker\\.websocket\\.port`));
  });
});
