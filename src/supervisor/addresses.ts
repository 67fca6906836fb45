/**
 * Before `hearth serve` starts anything, it checks that it can listen on every address it
 * will use — HTTP, the embedded broker's NATS, WebSocket and monitoring ports — by binding
 * each one (all at once, so two settings naming the same port are caught too) and letting
 * go. Each address it cannot have becomes one line: which address, why, which setting to
 * change. Ephemeral ports (0, -1) cannot be busy and are not checked.
 */
import { createServer, type Server } from 'node:net';
import { parseHostPort, type HearthConfig } from '../config/index.ts';

/** An address `serve` will listen on, and the setting that chooses it. */
export interface Address {
  what: string;
  host: string;
  port: number;
  setting: string;
}

/** Every fixed address `serve` will listen on with this configuration. */
export function plannedAddresses(config: HearthConfig): Address[] {
  const http = parseHostPort(config.http);
  const list: Address[] = [{ what: 'HTTP', ...http, setting: '`http` (--http HOST:PORT, HEARTH_HTTP)' }];
  if (config.https.address) list.push({ what: 'HTTPS', ...parseHostPort(config.https.address), setting: '`https.address` (HEARTH_HTTPS__ADDRESS)' });
  if (!config.broker.url) {
    const b = config.broker;
    list.push({ what: 'the broker', host: b.host, port: b.port, setting: '`broker.port` (HEARTH_BROKER__PORT; -1 picks a free one)' });
    if (b.websocket.enabled) {
      list.push({ what: "the broker's WebSocket", host: b.websocket.host, port: b.websocket.port, setting: '`broker.websocket.port` (HEARTH_BROKER__WEBSOCKET__PORT)' });
    }
    // The embedded broker's monitoring listens on 127.0.0.1 (serve passes no host for it).
    if (b.http_port > 0) list.push({ what: "the broker's monitoring", host: '127.0.0.1', port: b.http_port, setting: '`broker.http_port` (HEARTH_BROKER__HTTP_PORT; 0 turns it off)' });
  }
  return list.filter((a) => a.port > 0);
}

/** `host:port` as people write it (`[::1]:8080` for IPv6). */
export function showAddress(a: { host: string; port: number }): string {
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

/** The one-line explanation of why `a` could not be bound. */
export function bindProblem(a: Address, err: NodeJS.ErrnoException): string {
  const why =
    err.code === 'EADDRINUSE'
      ? 'the address is in use (by another program, or by another of these settings)'
      : err.code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
          ? 'this machine has no such address'
          : `${err.code ?? 'error'}: ${err.message}`;
  return `cannot listen on ${showAddress(a)} for ${a.what}: ${why}; change ${a.setting}`;
}

/** Binds every address at once, then lets go; resolves with one line per address that failed. */
export async function checkAddresses(list: readonly Address[]): Promise<string[]> {
  const held: Server[] = [];
  const problems: string[] = [];
  for (const a of list) {
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: a.host, port: a.port, exclusive: true }, () => resolve());
      });
      held.push(server);
    } catch (err) {
      problems.push(bindProblem(a, err as NodeJS.ErrnoException));
    }
  }
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  return problems;
}
