/**
 * A labelled input with its hint and error, wired for screen readers (`aria-describedby`,
 * `aria-invalid`). The label is the input's accessible name: tests find inputs by it.
 */
import { useId } from 'preact/hooks';

/** A text-like field. */
export function Field(
  props: {
    label: string;
    hint?: string;
    error?: string | undefined;
    value: string;
    onValue: (v: string) => void;
    type?: 'text' | 'email' | 'password' | 'url' | 'search' | 'number' | 'time' | 'datetime-local' | 'tel';
    autocomplete?: string;
    required?: boolean;
    disabled?: boolean;
    minLength?: number;
    maxLength?: number;
    min?: number | string;
    max?: number | string;
    step?: number | string;
    placeholder?: string;
    inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'url' | 'search';
    name?: string;
  },
) {
  const { label, hint, error, value, onValue, ...rest } = props;
  // Preact 11 types <input> per `type` literal; a `type` chosen by the caller is one of several.
  const attrs = rest as Record<string, unknown>;
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...attrs}
      />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
