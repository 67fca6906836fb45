import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { deviceIdOf, owntracksConfiguration, phoneBaseUrl, setupLink, DEVICE_ID } from './setup.ts';

describe('OwnTracks set-up', () => {
  it('makes an HTTP-mode configuration with credentials, the device and its tid', () => {
    const c = owntracksConfiguration({ publicUrl: 'https://h.example/', email: 'ann@example.com', password: 'p+w/=', deviceId: 'ann-phone', displayName: 'Ann Smith' });
    assert.equal(c._type, 'configuration');
    assert.equal(c.mode, 3);
    assert.equal(c.url, 'https://h.example/v1/owntracks');
    assert.equal(c.auth, true);
    assert.deepEqual([c.username, c.password, c.deviceId, c.tid], ['ann@example.com', 'p+w/=', 'ann-phone', 'AS']);
    assert.equal(c.cmd, true);
    assert.equal(c.monitoring, 1);
  });

  it('puts the configuration in a link both apps decode, a + in the base64 percent-encoded', () => {
    // '>>>' encodes to base64 'Pj4+': a bare + would reach Android's URLDecoder as a space.
    const link = setupLink({ _type: 'configuration', x: '>>>?' });
    assert.match(link, /^owntracks:\/\/\/config\?inline=[A-Za-z0-9%]+$/);
    const inline = new URL(link).searchParams.get('inline')!;
    assert.deepEqual(JSON.parse(Buffer.from(inline, 'base64').toString('utf8')), { _type: 'configuration', x: '>>>?' });
    assert.ok(!inline.includes(' '), 'no + turned into a space');
    assert.ok(!link.includes('+'));
  });

  it('suggests a device id from the name that the route accepts', () => {
    assert.equal(deviceIdOf('Zoë Ávila'), 'zoe-avila-phone');
    assert.equal(deviceIdOf('李'), 'my-phone');
    assert.match(deviceIdOf('A very long name that goes on and on'), DEVICE_ID);
    assert.ok(!DEVICE_ID.test('ann phone') && !DEVICE_ID.test('') && !DEVICE_ID.test('x'.repeat(33)));
  });

  it('uses public_url, else the address the caller reached Hearth at', () => {
    assert.equal(phoneBaseUrl('https://h.example', '10.0.0.2:8080'), 'https://h.example');
    assert.equal(phoneBaseUrl('http://0.0.0.0:8080', '192.168.1.20:8080'), 'http://192.168.1.20:8080');
    assert.equal(phoneBaseUrl('http://127.0.0.1:0', 'hearth.local'), 'http://hearth.local');
    assert.equal(phoneBaseUrl('http://0.0.0.0:8080', 'evil.example/x?'), 'http://0.0.0.0:8080', 'a malformed Host is not used');
  });
});
