/**
 * Hearth in this process: the users, location, chat and notifications services and the
 * gateway, run against a per-file embedded broker (tests/support/broker.ts) with Hearth's
 * configuration loaded the way Hearth loads it (then edited). For Hearth as a real process,
 * see hearth-process.ts and appliance.ts.
 */
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import type { HearthConfig } from '../../src/config/index.ts';
import { decode, encode, type RunningService } from '../../src/kit/index.ts';
import gateway from '../../src/gateway/index.ts';
import usersService from '../../services/users/index.ts';
import { locationService } from '../../services/location/index.ts';
import { chatService } from '../../services/chat/index.ts';
import { notificationsService, type NotificationsOptions } from '../../services/notifications/index.ts';
import { client } from './broker.ts';
import { testConfig } from './config.ts';
import { waitFor } from './poll.ts';
import { logSink, startService, type LogSink } from './service.ts';

/** A running gateway and the four services, all in this process. */
export interface InProcessHearth {
  url: string;
  brokerUrl: string;
  config: HearthConfig;
  users: RunningService;
  location: RunningService;
  chat: RunningService;
  notifications: RunningService;
  gateway: RunningService;
  nc: NatsConnection;
  /** Stops the users service (its routes should then answer 503). */
  stopUsers(): Promise<void>;
  /** Starts it again on the same database. */
  startUsers(): Promise<void>;
  /** Stops the location service. */
  stopLocation(): Promise<void>;
  /** Starts it again on the same database. */
  startLocation(): Promise<void>;
  /** Stops the notifications service. */
  stopNotifications(): Promise<void>;
  /** Starts it again on the same database. */
  startNotifications(): Promise<void>;
  stop(): Promise<void>;
}

let n = 0;

/** What else a test may set: the services' clock, the forwarder's timing. */
export interface InProcessOptions {
  now?: () => number;
  /** The users service's clock (default: real time), for what it times itself (an export's link). */
  usersNow?: () => number;
  forwarder?: NotificationsOptions['forwarder'];
  /** Where the gateway's log lines go (default: a sink nobody reads). */
  gatewayLog?: LogSink;
  /**
   * Name the databases `<service>.db`, as in a data directory, so that a later start on the
   * same `dir` runs on them again (default: a fresh set per start).
   */
  sameFiles?: boolean;
  /** Where every service's log lines go (default: a sink nobody reads; the gateway's: `gatewayLog`). */
  log?: LogSink;
}

/**
 * Starts users, location, chat, notifications and the gateway in this process; resolves
 * when the gateway listens.
 *
 * @example
 * const h = await startInProcessHearth(broker().url, dir, (c) => (c.users.registration = 'invite'));
 */
export async function startInProcessHearth(brokerUrl: string, dir: string, edit?: (c: HearthConfig) => void, o: InProcessOptions = {}): Promise<InProcessHearth> {
  const config = testConfig(dir, edit);
  const id = ++n;
  const file = (service: string) => join(dir, o.sameFiles ? `${service}.db` : `${service}-${id}.db`);
  const usersDb = file('users');
  const locationDb = file('location');
  const notificationsDb = file('notifications');
  // Location, chat and notifications run on the test's clock (o.now); users and the gateway on real time.
  const run = (def: Parameters<typeof startService>[0], db: string, now?: () => number) =>
    startService(def, brokerUrl, db, { settings: config, log: (o.log ?? logSink()).options, catchupMs: 500, ...(now ? { now } : {}) });
  const notifications = () => run(notificationsService({ forwarder: o.forwarder }), notificationsDb, o.now);
  const runLocation = () => run(locationService(), locationDb, o.now);
  const nc = await client(brokerUrl, 'gateway-test');
  const h: InProcessHearth = {
    url: '',
    brokerUrl,
    config,
    users: await run(usersService, usersDb, o.usersNow),
    location: await runLocation(),
    chat: await run(chatService(), file('chat'), o.now),
    notifications: await notifications(),
    gateway: await startService(gateway, brokerUrl, file('gateway'), { settings: config, log: (o.gatewayLog ?? o.log ?? logSink()).options, catchupMs: 500 }),
    nc,
    stopUsers: async () => h.users.stop(),
    startUsers: async () => void (h.users = await run(usersService, usersDb, o.usersNow)),
    stopLocation: async () => h.location.stop(),
    startLocation: async () => void (h.location = await runLocation()),
    stopNotifications: async () => h.notifications.stop(),
    startNotifications: async () => void (h.notifications = await notifications()),
    stop: async () => {
      await nc.close();
      await h.gateway.stop();
      await h.notifications.stop();
      await h.chat.stop();
      await h.location.stop();
      await h.users.stop();
    },
  };
  h.url = await waitFor('the gateway url', async () => {
    const msg = await nc.request('sys.health.gateway', encode({}), { timeout: 1000 });
    return ((decode(msg.data) as { ok?: { info?: { url?: string } } }).ok?.info?.url) || undefined;
  });
  return h;
}
