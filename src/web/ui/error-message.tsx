/** An error in words (client.ts `explain`), announced at once (`role="alert"`). */
import { explain } from '../api/client.ts';

/** Shows `error` (nothing when there is none). */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {typeof error === 'string' ? error : explain(error)}
    </p>
  );
}
