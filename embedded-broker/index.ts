/**
 * The embedded broker: a NATS-compatible server (core NATS as nats-server 2.9/2.10 speaks
 * it) over TCP and WebSocket, with monitoring. A library on its own: it imports nothing
 * from Hearth's src/ or services/.
 */
export { startBroker, PROTOCOL_VERSION, type Broker } from './broker.ts';
export { runBrokerCli } from './cli.ts';
export { loadBrokerOptions } from './config/index.ts';
export { parseConf, ConfError, keyPosition, type ConfPosition } from './config/index.ts';
export { withDefaults, DEFAULT_OPTIONS } from './server/options.ts';
export type { BrokerOptions, AuthorizationOptions, Permissions, UserEntry, WebSocketOptions } from './server/options.ts';
export { createLogger, type Logger } from './server/log.ts';
