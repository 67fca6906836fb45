/** The consumer of `evt.location.*`: SOS, journeys, going offline, places (LOCATION_RULES), and the alert rules (alerts.ts). */
import type { ConsumeSpec } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { LOCATION_RULES } from '../domain/rules.ts';
import { alertHandlers } from './alerts.ts';
import { ruleHandler } from './tell.ts';

/** The location consumer: one typed handler per rule, and the alert rules'. */
export const locationConsumer = (d: Deps): ConsumeSpec => ({ handlers: [...Object.values(LOCATION_RULES).map((r) => ruleHandler(d, r)), ...alertHandlers(d)] });
