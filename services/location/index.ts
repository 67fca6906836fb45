/**
 * The location service's public face: its definition (default export, what `hearth service
 * location` runs) and `locationService`, the builder tests use to move the clock.
 *
 * @example
 * const { default: location } = await import('./location/index.ts');
 */
export { default, locationService, type LocationOptions } from './main.ts';
