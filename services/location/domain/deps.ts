/** What the pure domain takes from outside: the error type and the contract's shapes (no I/O). */
export { AppError } from '../../../src/kit/index.ts';
export type { EventType } from '../../../src/kit/index.ts';
export type { location } from '../../../src/contracts/index.ts';
