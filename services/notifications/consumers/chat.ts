/** The consumer of `evt.chat.*`: mentions (CHAT_RULES). */
import type { ConsumeSpec } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { CHAT_RULES } from '../domain/rules.ts';
import { ruleHandler } from './tell.ts';

/** The chat consumer: one typed handler per rule. */
export const chatConsumer = (d: Deps): ConsumeSpec => ({ handlers: Object.values(CHAT_RULES).map((r) => ruleHandler(d, r)) });
