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
};

/** What the removed member themselves is told. */
export const YOU_WERE_REMOVED = (x: TextVars): { title: string; body: string } => ({ title: `You were removed from ${x.group}`, body: `An admin removed you from ${x.group}.` });

/** The test message of `POST /v1/notifications/targets/{id}/test`. */
export const TEST_MESSAGE = { title: 'Hearth test notification', body: 'If you can read this, Hearth can reach this device.' } as const;

/** Longest chat excerpt in a mention, in characters. */
export const EXCERPT_MAX = 140;
