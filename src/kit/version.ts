/**
 * Hearth's own version, in one place: `hearth version` prints it and the gateway tells
 * clients (`GET /v1/instance`). A constant rather than package.json read at run time,
 * because the compiled single executable carries no package.json.
 */

/**
 * The version of this Hearth build (semver).
 *
 * @example
 * process.stdout.write(`hearth ${HEARTH_VERSION}\n`); // hearth 0.1.0
 */
export const HEARTH_VERSION = '0.1.0';
