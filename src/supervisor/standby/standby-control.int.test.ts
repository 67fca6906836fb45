/**
 * The control socket `hearth promote` speaks to: progress lines arrive in order and the
 * last word ends the exchange; a socket nobody listens on (no file, or a dead standby's
 * file) is NoStandby; a standby that hangs up without a last word is a failure, not a hang.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { askPromote, CONTROL_FILE, listenControl, NoStandby } from './standby-control.ts';

describe('the standby control socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-control-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('carries progress lines, then ready with the URL', async () => {
    const server = await listenControl(dir, (r) => {
      r.say('a last restore');
      r.say('two\nlines become one');
      r.ready('http://127.0.0.1:8080');
    });
    try {
      const said: string[] = [];
      assert.deepEqual(await askPromote(dir, (l) => said.push(l)), { ok: true, url: 'http://127.0.0.1:8080' });
      assert.deepEqual(said, ['a last restore', 'two lines become one']);
    } finally {
      server.close();
    }
  });

  it('carries a failure, and a hang-up without a last word is one too', async () => {
    let n = 0;
    const server = await listenControl(dir, (r) => {
      if (n++ === 0) r.failed('no copy yet');
      else r.say('and then nothing');
    });
    try {
      assert.deepEqual(await askPromote(dir, () => {}), { ok: false, why: 'no copy yet' });
      // The second time the standby dies mid-promotion: the kernel closes its end.
      server.on('connection', (c) => setTimeout(() => c.destroy(), 100));
      const said: string[] = [];
      const r = await askPromote(dir, (l) => said.push(l));
      assert.deepEqual(said, ['and then nothing']);
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.why, /hung up without saying why/);
    } finally {
      server.close();
    }
  });

  it('says NoStandby when nothing listens, whether the file is missing or left by a dead standby', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    await assert.rejects(askPromote(empty, () => {}), NoStandby);
    writeFileSync(join(empty, CONTROL_FILE), ''); // a plain file: connecting is refused
    await assert.rejects(askPromote(empty, () => {}), NoStandby);
  });
});
