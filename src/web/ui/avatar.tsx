/**
 * A person's picture: their avatar when known, else their initials on a colour taken from
 * their id (stable, and never the only way to tell people apart: the name is always next to it
 * or in the accessible name).
 */

/** The initials of a display name ("Ann Lee" → "AL"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((w) => [...w][0]!.toUpperCase()).join('') || '?';
}

/** A hue for an id (0–359). */
export function hueOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return h;
}

/** The avatar; `label` set: it is an image with that name, else decorative. */
export function Avatar({ id, name, src, size = 40, label }: { id: string; name: string; src?: string | null; size?: number; label?: string }) {
  const style = { width: `${size}px`, height: `${size}px`, '--hue': String(hueOf(id)), fontSize: `${Math.round(size * 0.4)}px` };
  if (src) return <img class="avatar" src={src} alt={label ?? ''} width={size} height={size} style={style} />;
  return (
    <span class="avatar" style={style} role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : true}>
      {initials(name)}
    </span>
  );
}
