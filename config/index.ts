/**
 * Hearth's default configuration, config/defaults.json, for src/config to start from.
 * JSON imported this way works on Node (tsx), Bun and Deno, and is embedded in the
 * compiled binary. It is a folder's public face so code elsewhere reaches the file only
 * through here (tests/architecture.test.ts).
 */
import defaults from './defaults.json' with { type: 'json' };

/** The defaults every configuration starts from; docs/configuration.md explains each key. */
export const DEFAULTS: typeof defaults = defaults;
