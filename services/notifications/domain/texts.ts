/**
 * Every text a notification shows, in one file: a title (what a phone's lock screen shows
 * first) and a body per type. Names and group names are data from members; they are put in
 * as given (clients render text, nothing here is HTML).
 */
import type { notifications } from '../../../src/contracts/index.ts';

type Type = notifications.NotificationType;

/** The words a text may use. */
export interface TextVars {
  /** The member the notification is about (who raised the SOS, arrived, joined…). */
  name: string;
  group: string;
  /** A place or destination name. */
  place?: string;
  /** A position, `51.50070, -0.12460`. */
  position?: string;
  /** A chat message's text, shortened. */
  excerpt?: string;
  /** While what: "an SOS" or "a journey". */
  during?: string;
  /** A battery level, `12`. */
  level?: number;
  /** How long, in words: "2 hours", "45 minutes". */
  silence?: string;
  /** The phone's name (its OwnTracks device id). */
  device?: string;
  /** Why a phone's messages cannot be read: no key set, or not the phone's key. */
  reason?: 'no_key' | 'wrong_key';
}

/** The title and body of each notification type. */
export const TEXTS: Record<Type, (x: TextVars) => { title: string; body: string }> = {
  sos_raised: (x) => ({ title: `SOS from ${x.name}`, body: `${x.name} raised an SOS in ${x.group}.${x.position ? ` Last position: ${x.position}.` : ''}` }),
  sos_cleared: (x) => ({ title: `${x.name} is safe`, body: `${x.name} cleared their SOS in ${x.group}.` }),
  journey_started: (x) => ({ title: `${x.name} is on the way`, body: `${x.name} started a journey to ${x.place}.` }),
  destination_reached: (x) => ({ title: `${x.name} arrived`, body: `${x.name} reached ${x.place}.` }),
  journey_late: (x) => ({ title: `${x.name} is late`, body: `${x.name} has not arrived by the expected time.` }),
  journey_stuck: (x) => ({ title: `${x.name} has stopped moving`, body: `${x.name} has not moved for a while during their journey.` }),
  went_offline: (x) => ({ title: `${x.name} went offline`, body: `${x.name} stopped reporting their position during ${x.during}.` }),
  place_entered: (x) => ({ title: `${x.name} arrived at ${x.place}`, body: `${x.name} arrived at ${x.place} (${x.group}).` }),
  place_left: (x) => ({ title: `${x.name} left ${x.place}`, body: `${x.name} left ${x.place} (${x.group}).` }),
  member_joined: (x) => ({ title: `${x.name} joined ${x.group}`, body: `${x.name} is now a member of ${x.group}.` }),
  member_left: (x) => ({ title: `${x.name} left ${x.group}`, body: `${x.name} is no longer a member of ${x.group}.` }),
  member_removed: (x) => ({ title: `${x.name} was removed from ${x.group}`, body: `${x.name} is no longer a member of ${x.group}.` }),
  invite_accepted: (x) => ({ title: `${x.name} accepted your invite`, body: `${x.name} joined ${x.group} with your invite.` }),
  mention: (x) => ({ title: `${x.name} mentioned you in ${x.group}`, body: x.excerpt ?? '' }),
  low_battery: (x) => ({ title: `${x.name}’s phone battery is low`, body: `${x.name}’s phone is at ${x.level} % and not charging (${x.group}).` }),
  stopped_reporting: (x) => ({
    title: `${x.name} stopped reporting`,
    body: `Hearth has not heard from ${x.name}’s phone for over ${x.silence} (${x.group}). It may be switched off, out of battery or without a connection.`,
  }),
  group_deleted: (x) => ({ title: `${x.group} is being deleted`, body: `${x.name} is deleting ${x.group}: its messages, places and shared locations are being erased.` }),
  phone_unreadable: (x) => ({
    title: 'Hearth cannot read your phone’s locations yet',
    body:
      x.reason === 'wrong_key'
        ? `Your phone (${x.device}) encrypts its locations with a key that is not the one set in Hearth. Set the same key in Hearth as in the OwnTracks app; what your phone sent is kept and read as soon as the keys match.`
        : `Your phone (${x.device}) sends encrypted locations, and Hearth has no key to read them. Set the same key in Hearth as in the OwnTracks app; what your phone sent is kept and read as soon as the key is set.`,
  }),
};

/** A silence in words: "2 hours", "1 hour 30 minutes", "45 minutes", "2 days". */
export function inWords(minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h === 1 ? '1 hour' : `${h} hours`;
  const mins = m === 1 ? '1 minute' : `${m} minutes`;
  return h === 0 ? mins : m === 0 ? hours : `${hours} ${mins}`;
}

/** What the removed member themselves is told. */
export const YOU_WERE_REMOVED = (x: TextVars): { title: string; body: string } => ({ title: `You were removed from ${x.group}`, body: `An admin removed you from ${x.group}.` });

/** The test message of `POST /v1/notifications/targets/{id}/test`. */
export const TEST_MESSAGE = { title: 'Hearth test notification', body: 'If you can read this, Hearth can reach this device.' } as const;

/** Longest chat excerpt in a mention, in characters. */
export const EXCERPT_MAX = 140;
