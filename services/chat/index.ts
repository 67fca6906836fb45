/**
 * The chat service's public face: its definition (default export, what `hearth service
 * chat` runs), `chatService`, the builder tests use, and what tests drive on their own:
 * its migrations and its consumer of the users service's events (membership).
 *
 * @example
 * const { default: chat } = await import('./chat/index.ts');
 */
export { default, chatService } from './main.ts';
export { migrations } from './migrations.ts';
export { usersConsumer } from './consumers/users.ts';
