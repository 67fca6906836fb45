/**
 * The chat service's public face: its definition (default export, what `hearth service
 * chat` runs) and `chatService`, the builder tests use.
 *
 * @example
 * const { default: chat } = await import('./chat/index.ts');
 */
export { default, chatService, type ChatOptions } from './main.ts';
