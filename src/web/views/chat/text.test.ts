import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayLabel, splitLinks, splitMarks } from './text.ts';

describe('chat text: links', () => {
  it('links http and https URLs and leaves the rest as text', () => {
    assert.deepEqual(splitLinks('see https://example.com/x and http://a.org'), [
      { text: 'see ' },
      { text: 'https://example.com/x', href: 'https://example.com/x' },
      { text: ' and ' },
      { text: 'http://a.org', href: 'http://a.org/' },
    ]);
  });

  it('never links another scheme', () => {
    for (const s of ['javascript:alert(1)', 'JAVASCRIPT://x.org/%0aalert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', 'file:///etc/passwd']) {
      assert.deepEqual(splitLinks(s), [{ text: s }], s);
    }
  });

  it('leaves markup as text', () => {
    const s = '<img src=x onerror="window.__pwned=1"><script>alert(1)</script>';
    assert.deepEqual(splitLinks(s), [{ text: s }]);
  });

  it('stops a URL at the sentence around it, keeping brackets that belong to it', () => {
    assert.deepEqual(splitLinks('(https://x.org/a).'), [{ text: '(' }, { text: 'https://x.org/a', href: 'https://x.org/a' }, { text: ').' }]);
    assert.deepEqual(splitLinks('https://en.wikipedia.org/wiki/Queen_(band).')[0], { text: 'https://en.wikipedia.org/wiki/Queen_(band)', href: 'https://en.wikipedia.org/wiki/Queen_(band)' });
    assert.deepEqual(splitLinks('"https://x.org/?q=1"'), [{ text: '"' }, { text: 'https://x.org/?q=1', href: 'https://x.org/?q=1' }, { text: '"' }]);
  });

  it('keeps a URL that does not parse as text', () => {
    assert.deepEqual(splitLinks('https://.'), [{ text: 'https://.' }]);
  });

  it('keeps line breaks in the text', () => {
    assert.deepEqual(splitLinks('a\nhttps://x.org\nb'), [{ text: 'a\n' }, { text: 'https://x.org', href: 'https://x.org/' }, { text: '\nb' }]);
  });
});

describe('chat text: snippets', () => {
  it('marks the matches between brackets', () => {
    assert.deepEqual(splitMarks('…buy [milk] and [milky] tea…'), [
      { text: '…buy ', mark: false },
      { text: 'milk', mark: true },
      { text: ' and ', mark: false },
      { text: 'milky', mark: true },
      { text: ' tea…', mark: false },
    ]);
  });

  it('keeps markup in a snippet as text', () => {
    assert.deepEqual(splitMarks('<b>[x]</b>'), [{ text: '<b>', mark: false }, { text: 'x', mark: true }, { text: '</b>', mark: false }]);
  });
});

describe('chat text: days', () => {
  it('names today and yesterday', () => {
    const now = new Date(2025, 2, 14, 12);
    assert.equal(dayLabel(new Date(2025, 2, 14, 1).toISOString(), { today: 'Today', yesterday: 'Yesterday' }, now), 'Today');
    assert.equal(dayLabel(new Date(2025, 2, 13, 23).toISOString(), { today: 'Today', yesterday: 'Yesterday' }, now), 'Yesterday');
    assert.notEqual(dayLabel(new Date(2025, 2, 10, 9).toISOString(), { today: 'Today', yesterday: 'Yesterday' }, now), 'Today');
  });
});
