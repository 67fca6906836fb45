/**
 * The notifications service: rules over the users, location and chat services' events
 * make notifications, stored once per (event, recipient) in each user's inbox with a
 * `notification.created` event for the live stream; preferences decide what is dropped or
 * kept quiet; the forwarder posts the rest to the users' ntfy topics and webhooks. The
 * silence timer tells when a sharing member stops reporting.
 * `notificationsService({ forwarder })` exists for tests (the clock is `RunOptions.now`).
 */
import { defineService, type ServiceDefinition } from '../../src/kit/index.ts';
import type { Deps } from './deps.ts';
import { Forwarder, type ForwarderOptions } from './forwarding/index.ts';
import { handleGroupAlerts } from './handlers/group-alerts.ts';
import { handleInbox } from './handlers/inbox.ts';
import { handlePreferences } from './handlers/preferences.ts';
import { handleTargets } from './handlers/targets.ts';
import { migrations } from './migrations.ts';
import { chatConsumer } from './consumers/chat.ts';
import { locationConsumer } from './consumers/location.ts';
import { usersConsumer } from './consumers/users.ts';
import { mountAccountDeletion } from './sagas/account-deletion.ts';
import { startRetention } from './retention.ts';
import { handleGroupDeletion } from './sagas/group-deletion.ts';
import { readSettings } from './settings.ts';
import { graceAfterStart, startSilenceTimer } from './silence.ts';
import { handleExportSaga } from './sagas/export.ts';

/** Options for building the service; only tests pass any. */
export interface NotificationsOptions {
  /** Forwarder settings that tests shorten (backoff, breaker, tick). */
  forwarder?: Partial<Omit<ForwarderOptions, 'db' | 'log' | 'now'>>;
}

/**
 * Builds the notifications service.
 *
 * @example
 * const svc = await runService(notificationsService(), options);
 */
export function notificationsService(o: NotificationsOptions = {}): ServiceDefinition {
  return defineService({
    name: 'notifications',
    migrations,
    setup(api) {
      const settings = readSettings(api.settings);
      const now = (): number => api.now();
      const forwarder = new Forwarder({
        db: api.db,
        log: api.log,
        now,
        timeoutMs: settings.forwardTimeoutMs,
        maxAttempts: settings.forwardMaxAttempts,
        publicUrl: settings.publicUrl,
        ...o.forwarder,
      });
      const d: Deps = { db: api.db, events: api.events, now, settings, kick: () => forwarder.kick() };
      api.consume('users', usersConsumer(d));
      api.consume('location', locationConsumer(d));
      api.consume('chat', chatConsumer(d));
      mountAccountDeletion(api, d);
      handleInbox(api, d);
      handlePreferences(api, d);
      handleGroupAlerts(api, d);
      handleTargets(api, d, forwarder);
      handleGroupDeletion(api, d);
      handleExportSaga(api);
      let stopRetention = () => {};
      let stopSilence = () => {};
      api.onStart(async () => {
        forwarder.start();
        stopRetention = startRetention(d, api.log);
        // After the consumers caught up: a silence is judged on the reports already read.
        await graceAfterStart(d, api).catch((err: unknown) => api.log.warn('could not hold back pending silences after the start', { err }));
        stopSilence = startSilenceTimer(d, api, api.log);
      });
      api.onStop(async () => {
        stopSilence();
        stopRetention();
        await forwarder.stop();
      });
    },
  });
}

export default notificationsService();
