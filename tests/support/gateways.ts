/**
 * Several gateways, as behind a load balancer (#19): a second gateway in this process beside an
 * in-process Hearth, and finding a gateway's URL over the broker.
 */
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import gateway from '../../src/gateway/index.ts';
import { decode, encode, type RunningService } from '../../src/kit/index.ts';
import type { InProcessHearth } from './in-process.ts';
import { waitFor } from './poll.ts';
import { logSink, startService } from './service.ts';

/**
 * The URL of a gateway other than `known`, asked over `nc`: health requests go to either
 * gateway (one queue group), so it asks until another one answers.
 */
export function otherGatewayUrl(nc: NatsConnection, known: string, timeoutMs = 60_000): Promise<string> {
  return waitFor("another gateway's url", async () => {
    const msg = await nc.request('sys.health.gateway', encode({}), { timeout: 1000 }).catch(() => undefined);
    const url = msg && (decode(msg.data) as { ok?: { info?: { url?: string } } }).ok?.info?.url;
    return url && url !== known ? url : undefined;
  }, timeoutMs);
}

/** A second gateway in this process, beside `h` on the same broker, with its own database in `dir`; and its URL. */
export async function startSecondGateway(h: InProcessHearth, brokerUrl: string, dir: string): Promise<{ service: RunningService; url: string }> {
  const service = await startService(gateway, brokerUrl, join(dir, 'gateway-second.db'), { settings: h.config, log: logSink().options, catchupMs: 500 });
  return { service, url: await otherGatewayUrl(h.nc, h.url) };
}
