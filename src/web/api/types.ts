/**
 * The API's shapes, as the app reads them: types only, taken from `src/contracts` (erased
 * when the app is built, so no schema code ships to the browser).
 */
import type { InferOutput } from 'valibot';
import type { chat, location, notifications, users } from '../../contracts/index.ts';

export type Profile = InferOutput<typeof users.Profile>;
export type Group = InferOutput<typeof users.Group>;
export type Member = InferOutput<typeof users.Member>;
export type Role = users.Role;
export type Invite = InferOutput<typeof users.Invite> & { url: string };
export type Session = InferOutput<typeof users.Session>;
export type AppPassword = InferOutput<typeof users.AppPassword>;
export type MemberView = location.MemberView;
export type Place = location.Place;
export type TrackPoint = location.TrackPoint;
export type Fix = location.Fix;
export type Journey = location.Journey;
export type Message = chat.Message;
export type Notification = notifications.Notification;
export type Preferences = notifications.Preferences;
export type GroupAlerts = notifications.GroupAlerts;
export type Target = notifications.Target;
export type DeliveryAttempt = notifications.DeliveryAttempt;
