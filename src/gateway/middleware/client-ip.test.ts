import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientIp } from './client-ip.ts';

describe('clientIp', () => {
  const trusted = ['10.0.0.1', '10.0.0.2'];
  const cases: [string, string, string | undefined, string][] = [
    ['the peer without a header', '198.51.100.7', undefined, '198.51.100.7'],
    ['the peer when it is not a trusted proxy', '198.51.100.7', '203.0.113.1', '198.51.100.7'],
    ['the forwarded client from a trusted proxy', '10.0.0.1', '203.0.113.1', '203.0.113.1'],
    ['the right-most untrusted hop (left entries are the client’s own claims)', '10.0.0.1', '6.6.6.6, 203.0.113.1, 10.0.0.2', '203.0.113.1'],
    ['the peer for a malformed header', '10.0.0.1', 'not-an-ip', '10.0.0.1'],
    ['an IPv4-mapped address unwrapped', '10.0.0.1', '::ffff:203.0.113.1', '203.0.113.1'],
  ];
  for (const [what, peer, xff, expected] of cases) it(`gives ${what}`, () => assert.equal(clientIp(peer, xff, trusted), expected));
});
