import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { location } from '../../../src/contracts/index.ts';
import { setWaypointsCommand, toDeliver, waypointTsts, type PendingCommand } from './commands.ts';

const place = (id: string, createdAt: string, name = id): location.Place => ({ id, groupId: 'g', name, lat: 1, lon: 2, radius: 99.6, createdBy: 'u', createdAt });

describe('phone commands', () => {
  it('gives places made in the same second distinct tsts, the same ones on every push', () => {
    const a = place('a', '2026-12-01T10:00:00.100Z');
    const b = place('b', '2026-12-01T10:00:00.900Z');
    const c = place('c', '2026-12-01T10:00:01.000Z');
    const first = waypointTsts([c, b, a]);
    const s = Math.floor(Date.parse(a.createdAt) / 1000);
    assert.deepEqual([first.get('a'), first.get('b'), first.get('c')], [s, s + 1, s + 2]);
    assert.deepEqual(waypointTsts([a, b, c]), first);
  });

  it('shapes setWaypoints as the apps import it, radius in whole metres', () => {
    const cmd = setWaypointsCommand([place('p1', '2026-12-01T10:00:00Z', 'Home')]);
    assert.deepEqual(cmd, {
      _type: 'cmd',
      action: 'setWaypoints',
      waypoints: { _type: 'waypoints', waypoints: [{ _type: 'waypoint', desc: 'Home', lat: 1, lon: 2, rad: 100, tst: 1796119200, rid: 'p1' }] },
    });
  });

  it('delivers one reportLocation and the newest push per group', () => {
    const report: location.PhoneCommand = { _type: 'cmd', action: 'reportLocation' };
    const push = (n: number): location.PhoneCommand => ({ _type: 'cmd', action: 'setWaypoints', n });
    const pending: PendingCommand[] = [
      { id: 1, action: 'reportLocation', groupId: null, body: report },
      { id: 2, action: 'setWaypoints', groupId: 'g1', body: push(2) },
      { id: 3, action: 'reportLocation', groupId: null, body: report },
      { id: 4, action: 'setWaypoints', groupId: 'g1', body: push(4) },
      { id: 5, action: 'setWaypoints', groupId: 'g2', body: push(5) },
    ];
    assert.deepEqual(toDeliver(pending), [report, push(4), push(5)]);
    assert.deepEqual(toDeliver([]), []);
  });
});
