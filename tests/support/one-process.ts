/**
 * The switch that runs the suites against Hearth in one-process mode: with
 * `HEARTH_SUPERVISOR__ONE_PROCESS=true` in the test runner's environment (what
 * `node scripts/test.js --one-process …` and `npm run test:one-process` set), every
 * `hearth serve` a test spawns (spawnHearth passes its environment down) runs the broker and
 * every service in one process. A test that is about one service's process — SIGKILLing one
 * child, reading a child's pid or environment — is not meaningful there and says why with
 * `multiProcessOnly`.
 */

/** True when the spawned Hearths of this run are in one-process mode. */
export const ONE_PROCESS = /^(true|1)$/i.test(process.env.HEARTH_SUPERVISOR__ONE_PROCESS ?? '');

/**
 * A `skip` option for a test or suite that needs a process per service: the reason in
 * one-process mode, false otherwise.
 *
 * @example
 * describe('a SIGKILLed service', { skip: multiProcessOnly('it SIGKILLs one service child') }, () => { … });
 */
export function multiProcessOnly(why: string): string | false {
  return ONE_PROCESS ? `not meaningful in one-process mode: ${why}` : false;
}
