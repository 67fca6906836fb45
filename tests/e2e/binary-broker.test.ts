/**
 * The compiled single binary (`bun build --compile`, what `npm run build` makes) runs the
 * broker: official clients connect over TCP and WebSocket, the ports file is written, and
 * SIGTERM stops it cleanly.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, StringCodec } from 'nats';
import { conf, start, type Running, type Target } from '../conformance/targets.ts';
import { wsClient } from '../conformance/support-clients.ts';

const root = resolve(import.meta.dirname, '../..');
const bun = join(root, 'node_modules/.bin/bun');
const outDir = mkdtempSync(join(tmpdir(), 'hearth-binary-'));
const binary = join(outDir, 'hearth');
const sc = StringCodec();

const target: Target = {
  name: 'hearth-binary',
  skip: existsSync(bun) ? undefined : 'bun is not installed',
  command: (c, dir, extra) => [binary, 'broker', '-c', c, '--ports_file_dir', dir, ...extra],
};

describe('the compiled binary', { skip: target.skip, timeout: 120_000 }, () => {
  let broker: Running;

  before(async () => {
    const built = spawnSync(bun, ['build', '--compile', join(root, 'bin/hearth.ts'), '--outfile', binary], {
      encoding: 'utf8',
      cwd: root,
    });
    assert.equal(built.status, 0, built.stderr);
    broker = await start(target, conf());
  });

  after(async () => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('serves request/reply between a TCP client and a WebSocket client', async () => {
    const tcp = await connect({ servers: broker.url });
    const ws = await wsClient(broker);
    try {
      tcp.subscribe('e2e.echo', { callback: (_e, m) => m.respond(sc.encode(`echo ${sc.decode(m.data)}`)) });
      await tcp.flush();
      const reply = await ws.request('e2e.echo', sc.encode('hi'), { timeout: 2000 });
      assert.equal(sc.decode(reply.data), 'echo hi');
    } finally {
      await ws.close();
      await tcp.close();
    }
  });

  it('exits 0 on SIGTERM', async () => {
    assert.equal(await broker.stop('SIGTERM'), 0);
  });
});
