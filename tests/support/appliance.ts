/**
 * A real appliance for tests that drive Hearth from outside (a browser, a fuzzer):
 * `hearth serve` on a fresh data directory, the broker on ephemeral ports, rate limits out
 * of the way, JSON logs, and a start given time enough for a loaded CI machine. It resolves
 * once the banner is printed and `/readyz` answers 200.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bannerOf, spawnHearth, type HearthProcess, type HearthRuntime } from './hearth-process.ts';

/** A running `hearth serve`. */
export interface Served {
  url: string;
  /** The test's own folder (the configuration file; the data directory unless given). */
  dir: string;
  data: string;
  hearth: HearthProcess;
}

/**
 * Starts `hearth serve` with `extra` configuration text after the shared settings.
 *
 * @example
 * const s = await serveAppliance('users { registration: "open" }', { http: '127.0.0.1:8081' });
 */
export async function serveAppliance(extra: string, o: { rt?: HearthRuntime; http?: string; data?: string; args?: string[] } = {}): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-appliance-'));
  const data = o.data ?? join(dir, 'data');
  const file = join(dir, 'hearth.conf');
  writeFileSync(
    file,
    `data: "${data}"
http: "${o.http ?? '127.0.0.1:0'}"
broker { port: -1, websocket { port: -1 } }
gateway { user_rate_per_minute: 1000000, ip_rate_per_minute: 1000000, auth_rate_per_minute: 100000 }
supervisor { ready_timeout_ms: 120000 }
log { format: "json" }
${extra}
`,
  );
  const hearth = spawnHearth(o.rt ?? 'node', ['serve', '--config', file, ...(o.args ?? [])], { cwd: dir });
  try {
    // The banner waits for every service (ready_timeout_ms); on a loaded machine it may still
    // come first with port 0 when the gateway had not said its address yet.
    const { http } = await bannerOf(hearth, 150_000);
    if (/:0$/.test(http)) throw new Error('the gateway never said its address');
    const deadline = Date.now() + 120_000;
    while ((await fetch(`${http}/readyz`).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() > deadline) throw new Error(`${http}/readyz not 200 after 120 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { url: http, dir, data, hearth };
  } catch (err) {
    await hearth.stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n${hearth.output().slice(-3000)}`);
  }
}
