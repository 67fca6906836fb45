/**
 * Short messages that come and go ("Saved", "You were removed from Family"), read out by
 * screen readers through a polite live region (app/toasts.tsx renders them).
 */
import { signal } from '@preact/signals';

/** One message. */
export interface Toast {
  id: number;
  text: string;
}

/** Messages on screen now. */
export const toasts = signal<Toast[]>([]);
let next = 0;

/**
 * Shows `text` for a few seconds.
 *
 * @example
 * toast('Saved');
 */
export function toast(text: string, ms = 5000): void {
  const item = { id: ++next, text };
  toasts.value = [...toasts.value, item];
  setTimeout(() => (toasts.value = toasts.value.filter((x) => x !== item)), ms);
}
