/**
 * The chat service: each group's conversation, event-sourced (one stream per group) and
 * read from an indexed read model with full-text search; system messages from the users
 * and location services' events; its own membership read model. `chatService({ now })`
 * exists for tests that move the clock.
 */
import { defineService, type ServiceDefinition } from '../../src/kit/index.ts';
import { handleReads } from './handlers/read.ts';
import { handleWrites } from './handlers/write.ts';
import { migrations } from './migrations.ts';
import { messagesProjection } from './projections/messages.ts';
import { locationConsumer, usersConsumer } from './projections/system-messages.ts';

/** Options for building the service; only tests pass any. */
export interface ChatOptions {
  now?: () => number;
}

/**
 * Builds the chat service.
 *
 * @example
 * const svc = await runService(chatService(), options);
 */
export function chatService(o: ChatOptions = {}): ServiceDefinition {
  return defineService({
    name: 'chat',
    migrations,
    setup(api) {
      api.project(messagesProjection());
      api.consume('users', usersConsumer(api.events));
      api.consume('location', locationConsumer(api.events));
      handleWrites(api, o.now ?? Date.now);
      handleReads(api);
    },
  });
}

export default chatService();
