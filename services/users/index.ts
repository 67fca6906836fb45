/**
 * The users service's public face: its definition (default export, what `hearth service
 * users` runs). Tests that move its clock pass `now` in the run options.
 *
 * @example
 * const { default: users } = await import('./users/index.ts');
 */
export { default } from './main.ts';
