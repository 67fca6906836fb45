/**
 * What the notifications service's parts share: the database, the event log, the clock,
 * the settings, and the forwarder's wake-up.
 */
import type { Db, EventLog } from '../../src/kit/index.ts';
import type { NotificationSettings } from './settings.ts';

/** The service's shared means. */
export interface Deps {
  db: Db;
  events: EventLog;
  now: () => number;
  settings: NotificationSettings;
  /** Tells the forwarder there may be new deliveries (after a commit). */
  kick: () => void;
}
