/**
 * The notifications service's public face: its definition (default export, what `hearth
 * service notifications` runs) and `notificationsService`, the builder tests use; and what
 * white-box tests drive on a real database of their own: the migrations, the users
 * consumer (membership, member rules, erasure) with the membership lookup it answers, the
 * settings reader and the retention job.
 *
 * @example
 * const { default: notifications } = await import('./notifications/index.ts');
 */
export { default, notificationsService, type NotificationsOptions } from './main.ts';
export { migrations } from './migrations.ts';
export { usersConsumer } from './consumers/users.ts';
export { requireMemberOf } from './store/groups.ts';
export { readSettings } from './settings.ts';
export { eraseOld } from './retention.ts';
