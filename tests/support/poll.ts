/**
 * The one polling helper of the tests: ask `check` again and again until it answers, then
 * return its answer. Every test folder uses this one (name, argument order, timeout message).
 */

/** How long to wait, how often to ask, and what to show when the time is up. */
export interface WaitOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Pause between two checks (default 20 ms). */
  everyMs?: number;
  /** Said in the timeout message (what the page or the service shows at that moment). */
  state?: () => unknown;
}

/** What a check answers while the condition does not hold yet. */
export type NotYet = undefined | null | false;

/**
 * Polls `check` until it returns something other than undefined, null or false, and
 * returns that. A check that throws is asked again (the thing may not be ready: no
 * responders, a 503); after `timeoutMs` it rejects with `what`, the last answer or error,
 * and `state()` when given. The third argument is the timeout in ms, or the options.
 *
 * @example
 * const url = await waitFor('the gateway url', () => health().then((h) => h.url), 10_000);
 */
export async function waitFor<T>(what: string, check: () => T | NotYet | Promise<T | NotYet>, o: number | WaitOptions = {}): Promise<T> {
  const { timeoutMs = 5000, everyMs = 20, state } = typeof o === 'number' ? { timeoutMs: o } : o;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last !== undefined && last !== null && last !== false) return last as T;
    } catch (err) {
      last = err; // not ready yet: asked again until the deadline, then reported
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : String(last);
      const shown = state ? `; state: ${JSON.stringify(await state())}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${seen})${shown}`, { cause: last });
    }
    await sleep(everyMs);
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
