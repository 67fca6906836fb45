/** Times as a family reads them: "3 min ago", "14:05", "yesterday 09:12" (the browser's locale and zone). */
import { t } from '../strings.ts';

const rtf = () => new Intl.RelativeTimeFormat(navigator.language || 'en', { numeric: 'auto', style: 'short' });

/**
 * How long ago `iso` was, in words ("just now", "3 min. ago", "2 hr. ago", "yesterday").
 *
 * @example
 * ago(new Date(Date.now() - 180_000).toISOString()); // '3 min. ago'
 */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return t.time.never;
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 45) return t.time.justNow;
  if (s < 3600) return rtf().format(-Math.round(s / 60), 'minute');
  if (s < 86_400) return rtf().format(-Math.round(s / 3600), 'hour');
  return rtf().format(-Math.round(s / 86_400), 'day');
}

/** A clock time, with the date when it is not today ("14:05", "Mon 09:12", "3 Nov 09:12"). */
export function clock(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  const today = new Date(now);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === today.toDateString()) return time;
  const days = (today.getTime() - d.getTime()) / 86_400_000;
  const date = days < 6 ? d.toLocaleDateString([], { weekday: 'short' }) : d.toLocaleDateString([], { day: 'numeric', month: 'short' });
  return `${date} ${time}`;
}

/** The full date and time, for a `title` or a screen reader. */
export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}
