/**
 * Who a live event is for, read through its contract: the group of each location and chat
 * event the stream fans out, the one recipient of each personal (notifications) event. An
 * event's data is checked against its contract's schema before anything is read from it;
 * an event of a type not listed here, or whose data its contract refuses, is for no one
 * (a newer producer's new type is not fanned out until this build knows it). A member's
 * place suggestions (`place.suggested`) are theirs, not the group's: not listed.
 */
import * as v from 'valibot';
import { chat, location, notifications } from '../contracts/index.ts';
import type { Envelope, EventType } from '../kit/index.ts';

/** Reads who an event is for out of its checked data (undefined: its data does not match the contract). */
type Reader = (data: unknown) => string | undefined;

/** `type`'s reader: its data checked by the contract, then `of` picks the id. */
const by = <D>(type: EventType<D>, of: (data: D) => string): [string, Reader] => [
  `${type.service}.${type.type}`,
  (data) => {
    const r = v.safeParse(type.data, data);
    return r.success ? of(r.output) : undefined;
  },
];

const GROUP_OF = new Map<string, Reader>([
  ...Object.values(location.scopeEvents).map((t) => by(t, (d) => d.groupId)),
  by(location.PlaceAdded, (d) => d.place.groupId),
  by(location.PlaceUpdated, (d) => d.place.groupId),
  by(location.PlaceRemoved, (d) => d.groupId),
  by(chat.MessageSent, (d) => d.groupId),
  by(chat.MessageEdited, (d) => d.groupId),
  by(chat.MessageDeleted, (d) => d.groupId),
  by(chat.ReadMarkerMoved, (d) => d.groupId),
]);

const RECIPIENT_OF = new Map<string, Reader>([
  by(notifications.NotificationCreated, (d) => d.userId),
  by(notifications.NotificationsRead, (d) => d.userId),
]);

const read = (readers: Map<string, Reader>, event: Envelope): string | undefined => readers.get(`${event.source}.${event.type}`)?.(event.data);

/**
 * The group an event belongs to (undefined: not a group's event, or not a valid one).
 *
 * @example
 * groupOf(locationSampled); // its data's groupId
 */
export const groupOf = (event: Envelope): string | undefined => read(GROUP_OF, event);

/**
 * The one recipient of a personal event (undefined: not a valid one).
 *
 * @example
 * recipientOf(notificationCreated); // its data's userId
 */
export const recipientOf = (event: Envelope): string | undefined => read(RECIPIENT_OF, event);
