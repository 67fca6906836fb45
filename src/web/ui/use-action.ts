/** An action's state for its button and its error in words: how every submit and button click that asks the API runs. */
import { useState } from 'preact/hooks';

/**
 * `run(fn)` marks the action busy, clears the last error, runs `fn` and keeps the error it
 * throws — resolving to `undefined` then, so what a failure should also do can follow the
 * `await`. `setError` shows a problem found before anything is sent (a point not picked yet).
 * Busy ends when `fn` settles, also after a success that closes the component.
 *
 * Where buttons share one error but each must know whether *its* action is under way, give
 * `run` a key: `busy` is the key of the run under way (`true` for a run without one), `false`
 * when none is.
 *
 * @example
 * const { busy, error, run } = useAction();
 * function submit(e: Event) {
 *   e.preventDefault();
 *   void run(async () => {
 *     await api('PATCH', `/v1/groups/${id}`, { body: { name } });
 *     onClose();
 *   });
 * }
 * // <ErrorMessage error={error} /> … <button type="submit" disabled={busy}>
 *
 * const inbox = useAction<'all' | 'older'>();
 * // <button disabled={inbox.busy === 'older'} onClick={() => inbox.run(loadOlder, 'older')}>
 */
export function useAction<K extends string = never>() {
  const [busy, setBusy] = useState<K | boolean>(false);
  const [error, setError] = useState<unknown>(null);

  async function run<T>(fn: () => Promise<T>, key?: K): Promise<T | undefined> {
    setBusy(key ?? true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, run, setError };
}
