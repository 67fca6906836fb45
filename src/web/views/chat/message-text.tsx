/**
 * A message's text as text: JSX children (text nodes) and `<a>` elements made here for its
 * http(s) links, which open in a new tab without handing it this page (`noopener
 * noreferrer`). Line breaks stay (chat.css: `white-space: pre-wrap`).
 */
import { splitLinks, splitMarks } from './text.ts';

/** The text of a message. */
export function MessageText({ text }: { text: string }) {
  return (
    <p class="msg-text">
      {splitLinks(text).map((p, i) =>
        p.href ? (
          <a key={i} href={p.href} target="_blank" rel="noopener noreferrer">
            {p.text}
          </a>
        ) : (
          p.text
        ),
      )}
    </p>
  );
}

/** A search snippet with its matches in `<mark>`. */
export function Snippet({ snippet }: { snippet: string }) {
  return (
    <span class="snippet">
      {splitMarks(snippet).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : p.text))}
    </span>
  );
}
