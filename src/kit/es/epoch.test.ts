import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epochsText, parseEpochs, reconcile } from './epoch.ts';

const e = (id: string, base: number) => ({ id, base });
const A = e('a', 0);

describe('reconciling a checkpoint with its producer\u2019s epochs', () => {
  it('leaves a checkpoint alone when the histories agree and it is not ahead of the head', () => {
    assert.deepEqual(reconcile(40, [A], [A], 50), { checkpoint: 40 });
    assert.deepEqual(reconcile(50, [A, e('b', 30)], [A, e('b', 30)], 50), { checkpoint: 50 });
  });

  it('moves a checkpoint back to the base of an epoch begun since (the producer was restored)', () => {
    const r = reconcile(150, [A], [A, e('b', 100)], 120);
    assert.equal(r.checkpoint, 100);
    assert.match(r.why!, /restored/);
  });

  it('keeps a checkpoint at or below that base (the consumer is older than the restored producer)', () => {
    assert.deepEqual(reconcile(80, [A], [A, e('b', 100)], 130), { checkpoint: 80 });
  });

  it('takes the lowest base where the histories part: a restore to before an epoch the consumer read in', () => {
    // The consumer read in b (from 100); the producer was then restored from an archive of epoch a at 60.
    const r = reconcile(150, [A, e('b', 100)], [A, e('c', 60)], 70);
    assert.equal(r.checkpoint, 60);
    // … or from an archive of a taken after b's restore point: the logs still part at 100.
    assert.equal(reconcile(150, [A, e('b', 100)], [A, e('c', 120)], 130).checkpoint, 100);
    // Several restores since the one it knew: the first one after it counts.
    assert.equal(reconcile(150, [A], [A, e('b', 90), e('c', 140)], 150).checkpoint, 90);
  });

  it('starts from 0 when the producer is another database altogether, or the stored history is unreadable', () => {
    assert.equal(reconcile(150, [A], [e('z', 0)], 10).checkpoint, 0);
    assert.equal(reconcile(150, [], [A], 200).checkpoint, 0);
  });

  it('takes a checkpoint stored before epochs existed as read in the producer\u2019s first epoch', () => {
    assert.deepEqual(reconcile(150, undefined, [A], 200), { checkpoint: 150 });
    assert.equal(reconcile(150, undefined, [A, e('b', 100)], 200).checkpoint, 100);
  });

  it('moves a checkpoint ahead of the head back to the head when no restore was recorded', () => {
    const r = reconcile(150, [A], [A], 120);
    assert.equal(r.checkpoint, 120);
    assert.match(r.why!, /by hand/);
  });

  it('stores a history as text and reads it back; anything else reads as no epoch known', () => {
    const h = [A, e('b', 100)];
    assert.deepEqual(parseEpochs(epochsText(h)), h);
    assert.equal(parseEpochs(null), undefined);
    assert.deepEqual(parseEpochs('not json'), []);
    assert.deepEqual(parseEpochs('[["a"]]'), []);
  });
});
