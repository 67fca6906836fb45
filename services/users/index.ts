/**
 * The users service's public face: its definition (default export, what `hearth service
 * users` runs) and `usersService`, the builder tests use to move the clock.
 *
 * @example
 * const { default: users } = await import('./users/index.ts');
 */
export { default, usersService, type UsersOptions } from './main.ts';
