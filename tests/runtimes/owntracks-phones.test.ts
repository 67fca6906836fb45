/**
 * The OwnTracks additions of #16 on Deno, Bun and the compiled binary, the real appliance under each: an avatar
 * is made into a face (Jimp, pure JavaScript, in the users service) and rides on the card
 * another member's phone gets; "locate now" reaches the member's phone once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Jimp } from 'jimp';
import { serveAppliance } from '../support/appliance.ts';
import { runtimeSkip, type HearthRuntime } from '../support/hearth-process.ts';
import { binarySkip, buildBinary } from '../support/binary.ts';
import { apiCall, family } from '../web/support.ts';

const runtimes: [string, () => HearthRuntime, string | undefined][] = [
  ['Deno', () => 'deno', runtimeSkip('deno')],
  ['Bun', () => 'bun', runtimeSkip('bun')],
  // Jimp bundled by `bun build --compile` into the one executable.
  ['the compiled binary', () => ({ binary: buildBinary() }), binarySkip],
];

for (const [name, rt, skip] of runtimes) {
  describe(`OwnTracks faces and locate on ${name}`, { skip, timeout: 300_000 }, () => {
    it('puts the avatar on the card as a JPEG face and hands reportLocation to the phone once', async () => {
      const s = await serveAppliance('', { rt: rt() });
      try {
        const f = await family(s, ['Ann', 'Bo']);
        const [ann, bo] = f.people as any[];
        const png = await new Jimp({ width: 300, height: 200, color: 0x3366ffff }).getBuffer('image/png');
        await apiCall(s, 'PATCH', '/v1/me', { token: bo.token, body: { avatar: `data:image/png;base64,${png.toString('base64')}` } });
        const pw = async (u: any) => (await apiCall(s, 'POST', '/v1/me/app-passwords', { token: u.token, body: { label: 'OT' } })).password;
        const [annPw, boPw] = [await pw(ann), await pw(bo)];
        const post = async (u: any, p: string) => {
          const r = await fetch(`${s.url}/v1/owntracks`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${u.email}:${p}`).toString('base64')}`, 'content-type': 'application/json', 'x-limit-d': 'phone' }, body: JSON.stringify({ _type: 'location', lat: 48.8, lon: 2.3, tst: Math.floor(Date.now() / 1000) }) });
          assert.equal(r.status, 200);
          return (await r.json()) as any[];
        };
        await post(bo, boPw);
        await apiCall(s, 'POST', `/v1/groups/${f.groupId}/members/${bo.userId}/locate`, { token: ann.token, expect: 202 });
        const annSees = await post(ann, annPw);
        const card = annSees.find((o) => o._type === 'card' && o.name === 'Bo');
        assert.ok(card?.face?.startsWith('/9j/'), JSON.stringify(annSees).slice(0, 300));
        const cmds = (await post(bo, boPw)).filter((o) => o._type === 'cmd');
        assert.deepEqual(cmds, [{ _type: 'cmd', action: 'reportLocation' }]);
        assert.deepEqual((await post(bo, boPw)).filter((o) => o._type === 'cmd'), []);
      } finally {
        await s.hearth.stop();
      }
    });
  });
}
