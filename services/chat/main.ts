/**
 * The chat service: each group's conversation, event-sourced (one stream per group) and
 * read from an indexed read model with full-text search; system messages from the users
 * and location services' events; its own membership read model. Its clock is `api.now`
 * (tests move it through `RunOptions.now`).
 */
import { defineService, type ServiceDefinition } from '../../src/kit/index.ts';
import { locationConsumer } from './consumers/location.ts';
import { usersConsumer } from './consumers/users.ts';
import { handleReads } from './handlers/read.ts';
import { handleWrites } from './handlers/write.ts';
import { migrations } from './migrations.ts';
import { mountAccountDeletion } from './sagas/account-deletion.ts';
import { groupDeletionSteps } from './sagas/group-deletion.ts';
import { messagesProjection } from './projections/messages.ts';
import { handleExportSaga } from './sagas/export.ts';

/**
 * Builds the chat service.
 *
 * @example
 * const svc = await runService(chatService(), options);
 */
export function chatService(): ServiceDefinition {
  return defineService({
    name: 'chat',
    migrations,
    setup(api) {
      api.project(messagesProjection());
      api.consume('users', usersConsumer(api.events));
      mountAccountDeletion(api);
      api.consume('location', locationConsumer());
      handleWrites(api);
      handleReads(api);
      groupDeletionSteps(api);
      handleExportSaga(api);
    },
  });
}

export default chatService();
