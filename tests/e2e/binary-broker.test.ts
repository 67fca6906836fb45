/**
 * The compiled single binary (`bun build --compile`, what `npm run build` makes) runs the
 * broker: official clients connect over TCP and WebSocket, the ports file is written, and
 * SIGTERM stops it cleanly.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { connect, StringCodec } from 'nats';
import { conf, start, type Running, type Target } from '../conformance/targets.ts';
import { wsClient } from '../conformance/support-clients.ts';
import { binarySkip, buildBinary } from '../support/binary.ts';

const sc = StringCodec();
let binary = '';

const target: Target = {
  name: 'hearth-binary',
  skip: binarySkip,
  command: (c, dir, extra) => [binary, 'broker', '-c', c, '--ports_file_dir', dir, ...extra],
};

describe('the compiled binary', { skip: target.skip, timeout: 120_000 }, () => {
  let broker: Running;

  before(async () => {
    binary = buildBinary();
    broker = await start(target, conf());
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
