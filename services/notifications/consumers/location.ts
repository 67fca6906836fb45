/** The consumer of `evt.location.*`: SOS, journeys, going offline, places (LOCATION_RULES). */
import type { ConsumeSpec } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { LOCATION_RULES } from '../domain/rules.ts';
import { ruleHandler } from './tell.ts';

/** The location consumer: one typed handler per rule. */
export const locationConsumer = (d: Deps): ConsumeSpec => ({ handlers: Object.values(LOCATION_RULES).map((r) => ruleHandler(d, r)) });
