/**
 * The notifications service's public face: its definition (default export, what `hearth
 * service notifications` runs) and `notificationsService`, the builder tests use.
 *
 * @example
 * const { default: notifications } = await import('./notifications/index.ts');
 */
export { default, notificationsService, type NotificationsOptions } from './main.ts';
