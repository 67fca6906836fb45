/**
 * Starting and stopping a broker: the listeners (TCP, WebSocket, monitoring), the ports
 * file, and the two ways to stop — lame duck (announce, then close clients over time)
 * and shutdown (announce, close everything now).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloseReason } from './server/client.ts';
import { createLogger, type Logger } from './server/log.ts';
import { listenMonitor } from './server/monitor.ts';
import { withDefaults, type BrokerOptions } from './server/options.ts';
import { PROTOCOL_VERSION, Server } from './server/server.ts';
import { listenTcp, listenWebSocket, type Listener } from './transport/index.ts';

/** A running broker. */
export interface Broker {
  readonly server: Server;
  /** Bound ports (ephemeral ones resolved). */
  readonly port: number;
  readonly wsPort?: number;
  readonly httpPort?: number;
  /** nats://host:port for clients (tls:// with TLS). */
  readonly url: string;
  readonly wsUrl?: string;
  /** Announces shutdown to clients (INFO ldm), closes them and the listeners. */
  close(): Promise<void>;
  /** Lame duck: stop accepting, announce, close clients over lame_duck_duration, then close. */
  lameDuck(): Promise<void>;
}

const natsScheme = (o: BrokerOptions): string => (o.tls ? 'tls' : 'nats');
const wsScheme = (o: BrokerOptions): string => (o.websocket?.tls ? 'wss' : 'ws');
const urlHost = (h: string): string => (h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h);

/**
 * Starts a broker inside this process.
 * @example
 * const broker = await startBroker({ port: -1 });
 * console.log(broker.url); // nats://127.0.0.1:41234
 * await broker.close();
 */
export async function startBroker(partial: Partial<BrokerOptions> = {}, log?: Logger): Promise<Broker> {
  const options = withDefaults(partial);
  const logger = log ?? createLogger(options);
  const server = new Server(options, logger);
  const listeners: Listener[] = [];
  let portsFile: string | undefined;
  try {
    const tcp = await listenTcp(options.host, options.port, (c) => server.accept(c, 'tcp'), options.tls);
    listeners.push(tcp);
    server.endpoints = { host: options.host, port: tcp.port };
    let ws: Listener | undefined;
    if (options.websocket) {
      const w = options.websocket;
      ws = await listenWebSocket(
        { host: w.host, port: w.port, compression: w.compression, maxPayload: options.maxPayload, tls: w.tls },
        (c) => server.accept(c, 'websocket'),
      );
      listeners.push(ws);
      logger.info(`Listening for websocket clients on ${wsScheme(options)}://${urlHost(w.host)}:${ws.port}`);
      if (!w.tls) logger.warn('Websocket not configured with TLS. DO NOT USE IN PRODUCTION!');
    }
    let http: Listener | undefined;
    if (options.httpPort !== 0) {
      http = await listenMonitor(server, options.httpHost, options.httpPort);
      listeners.push(http);
      logger.info(`Starting http monitor on ${urlHost(options.httpHost)}:${http.port}`);
    }
    logger.info(`Listening for client connections on ${urlHost(options.host)}:${tcp.port}`);
    if (options.tls) logger.info(`TLS required for client connections${options.tls.verify ? ' (client certificates verified)' : ''}`);
    if (options.portsFileDir) portsFile = writePortsFile(options, tcp, ws, http);

    let stopping: Promise<void> | undefined;
    const stopListeners = async (): Promise<void> => {
      await Promise.all(listeners.map((l) => l.close().catch(() => {})));
      if (portsFile) rmSync(portsFile, { force: true });
    };
    const close = (): Promise<void> =>
      (stopping ??= (async () => {
        server.announceLameDuck();
        server.closeAll(CloseReason.shutdown);
        await stopListeners();
        logger.info('Server Exiting..');
      })());
    const lameDuck = (): Promise<void> =>
      (stopping ??= (async () => {
        logger.info('Entering lame duck mode, stop accepting new clients');
        // Closing a listener stops new connections at once; its promise waits for the
        // existing ones, which closeGradually ends.
        const closing = listeners.filter((l) => l !== http).map((l) => l.close().catch(() => {}));
        server.announceLameDuck();
        await closeGradually(server, options);
        await Promise.all(closing);
        await stopListeners();
        logger.info('Server Exiting..');
      })());
    return {
      server,
      port: tcp.port,
      wsPort: ws?.port,
      httpPort: http?.port,
      url: `${natsScheme(options)}://${urlHost(options.host)}:${tcp.port}`,
      wsUrl: ws ? `${wsScheme(options)}://${urlHost(options.websocket!.host)}:${ws.port}` : undefined,
      close,
      lameDuck,
    };
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close().catch(() => {})));
    throw new Error(`broker could not start: ${(err as Error).message}`, { cause: err });
  }
}

/** nats-server's ports file: `<dir>/nats-server_<pid>.ports`, JSON with the listen URLs. */
function writePortsFile(o: BrokerOptions, tcp: Listener, ws?: Listener, http?: Listener): string {
  mkdirSync(o.portsFileDir!, { recursive: true });
  const file = join(o.portsFileDir!, `nats-server_${process.pid}.ports`);
  const ports: Record<string, string[]> = { nats: [`${natsScheme(o)}://${urlHost(o.host)}:${tcp.port}`] };
  if (http) ports.monitoring = [`http://${urlHost(o.httpHost)}:${http.port}`];
  if (ws) ports.websocket = [`${wsScheme(o)}://${urlHost(o.websocket!.host)}:${ws.port}`];
  writeFileSync(file, JSON.stringify(ports));
  return file;
}

/** Waits the grace period, then closes clients spread over the rest of the duration. */
async function closeGradually(server: Server, o: BrokerOptions): Promise<void> {
  await sleep(o.lameDuckGracePeriod);
  const clients = [...server.clients.values()];
  const window = Math.max(0, o.lameDuckDuration - o.lameDuckGracePeriod);
  const step = clients.length > 0 ? Math.min(window / clients.length, 1000) : 0;
  for (const c of clients) {
    c.close(CloseReason.shutdown, true);
    if (step > 0) await sleep(step);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export { PROTOCOL_VERSION };
