/** What differs between Node, Bun, Deno and the compiled binary, in one place. */
export { runtime, isCompiled, selfCommand, runtimeVersion, type Runtime } from './self.ts';
