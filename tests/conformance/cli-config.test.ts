/**
 * Configuration and command line (issue item 8): the ports file (name and JSON keys), the
 * -p / -a / -m flags overriding the configuration file, a `cluster {}` block tolerated, and
 * — Hearth only — `jetstream {}` and `tls {}` refusing to start.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conf, start, targets, type Target } from './targets.ts';
import { getJson, SUITE_TIMEOUT } from './support-broker.ts';
import { tcpClient } from './support-clients.ts';
import { freePort } from '../support/net.ts';

interface PortsFile {
  nats?: string[];
  monitoring?: string[];
  websocket?: string[];
}

/** Runs `target` with `confText` until it exits (or kills it after `timeoutMs`). */
async function runToExit(target: Target, confText: string, timeoutMs = 5000): Promise<{ code: number | null; output: string; files: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), `hearth-conf-exit-${target.name}-`));
  try {
    const confPath = join(dir, 'broker.conf');
    writeFileSync(confPath, confText);
    const [cmd, ...args] = target.command(confPath, dir, []);
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    let output = '';
    child.stdout!.on('data', (b) => (output += b));
    child.stderr!.on('data', (b) => (output += b));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    clearTimeout(killer);
    return { code, output, files: readdirSync(dir).filter((f) => f.endsWith('.ports')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isHearth = (t: Target) => t.name !== 'nats-server';

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    it('writes nats-server_<pid>.ports with nats, monitoring and websocket URLs', async () => {
      const b = await start(target, conf());
      try {
        const files = readdirSync(b.dir).filter((f) => f.endsWith('.ports'));
        assert.deepEqual(files, [`nats-server_${b.pid}.ports`]);
        const ports = JSON.parse(readFileSync(join(b.dir, files[0]!), 'utf8')) as PortsFile;
        assert.deepEqual(Object.keys(ports).sort(), ['monitoring', 'nats', 'websocket']);
        assert.deepEqual(ports.nats, [`nats://127.0.0.1:${b.port}`]);
        assert.deepEqual(ports.monitoring, [`http://127.0.0.1:${b.httpPort}`]);
        assert.deepEqual(ports.websocket, [`ws://127.0.0.1:${b.wsPort}`]);
      } finally {
        await b.stop('SIGINT');
      }
    });

    it('leaves monitoring and websocket out of the ports file when they are not configured, and removes it on exit', async () => {
      const b = await start(target, 'host: 127.0.0.1\nport: -1\n');
      const file = join(b.dir, `nats-server_${b.pid}.ports`);
      try {
        const ports = JSON.parse(readFileSync(file, 'utf8')) as PortsFile;
        assert.deepEqual(Object.keys(ports), ['nats']);
      } finally {
        b.child.kill('SIGINT');
        await new Promise((r) => (b.child.exitCode === null ? b.child.once('exit', r) : r(null)));
        const left = readdirSync(b.dir).filter((f) => f.endsWith('.ports'));
        await b.stop();
        assert.deepEqual(left, [], 'the ports file is deleted at shutdown');
      }
    });

    it('lets -p, -a and -m override port, host and monitoring port from the file', async () => {
      const [port, httpPort] = [await freePort(), await freePort()];
      // 127.0.0.2 is loopback too on Linux; the flag must move the listener to 127.0.0.1.
      const confText = 'host: 127.0.0.2\nport: -1\nhttp: "127.0.0.1:-1"\n';
      const b = await start(target, confText, ['-p', String(port), '-a', '127.0.0.1', '-m', String(httpPort)]);
      try {
        assert.equal(b.port, port);
        assert.equal(b.httpPort, httpPort);
        const ports = JSON.parse(readFileSync(join(b.dir, `nats-server_${b.pid}.ports`), 'utf8')) as PortsFile;
        assert.deepEqual(ports.nats, [`nats://127.0.0.1:${port}`]);
        const nc = await tcpClient(b);
        await nc.flush();
        await nc.close();
        assert.deepEqual((await getJson(httpPort, '/healthz')).body, { status: 'ok' });
      } finally {
        await b.stop('SIGINT');
      }
    });

    it('starts and serves clients with a cluster {} block', async () => {
      const b = await start(target, conf('cluster {}'));
      try {
        const nc = await tcpClient(b);
        await nc.flush();
        await nc.close();
        if (isHearth(target)) {
          // Hearth-specific: clustering is not implemented, so it says it ignores the block
          // (nats-server with an empty cluster block just starts, without a warning).
          assert.match(b.output(), /^.*(WRN|warn).*cluster.*$/im);
        }
      } finally {
        await b.stop('SIGINT');
      }
    });

    // Hearth-specific: nats-server 2.9 starts with `jetstream {}` (it has JetStream) and even
    // with an empty `tls {}` block; Hearth implements neither, so it must refuse to start
    // rather than run without what the configuration asks for.
    for (const block of ['jetstream {}', 'tls {}']) {
      it(`refuses to start with ${block} and exits non-zero (Hearth only)`, { skip: !isHearth(target) && 'nats-server supports it' }, async () => {
        const { code, output, files } = await runToExit(target, conf(block));
        assert.notEqual(code, 0, output);
        assert.notEqual(code, null, `still running after 5 s:\n${output}`);
        assert.deepEqual(files, [], 'no ports file for a broker that did not start');
        assert.match(output, new RegExp(block.split(' ')[0]!, 'i'));
      });
    }
  });
}
