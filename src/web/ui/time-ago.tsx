/** "3 min. ago", kept current (every 30 s), with the exact time as its `title` and `datetime`. */
import { useEffect, useState } from 'preact/hooks';
import { ago, fullTime } from '../lib/time.ts';

/** Relative time of `iso`. */
export function TimeAgo({ iso, prefix }: { iso: string | null | undefined; prefix?: (s: string) => string }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(id);
  }, []);
  const text = ago(iso);
  if (!iso) return <span>{prefix ? prefix(text) : text}</span>;
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {prefix ? prefix(text) : text}
    </time>
  );
}
