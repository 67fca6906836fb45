/** Reading a group's places. */
import type { location } from '../../../src/contracts/index.ts';
import type { Circle } from '../domain/index.ts';
import type { Read } from './members.ts';

const toPlace = (r: Record<string, unknown>): location.Place => ({
  id: String(r.id),
  groupId: String(r.group_id),
  name: String(r.name),
  lat: Number(r.lat),
  lon: Number(r.lon),
  radius: Number(r.radius),
  createdBy: String(r.created_by),
  createdAt: String(r.created_at),
});

/** The group's places, by name. */
export async function listPlaces(read: Read, groupId: string): Promise<location.Place[]> {
  return (await read('SELECT * FROM places WHERE group_id = ? ORDER BY name, id', [groupId])).map(toPlace);
}

/** One place of the group, or undefined. */
export async function findPlace(read: Read, groupId: string, placeId: string): Promise<location.Place | undefined> {
  const [row] = await read('SELECT * FROM places WHERE group_id = ? AND id = ?', [groupId, placeId]);
  return row ? toPlace(row) : undefined;
}

/** The group's places as the domain's circles. */
export async function loadCircles(read: Read, groupId: string): Promise<Circle[]> {
  return (await read('SELECT id, name, lat, lon, radius FROM places WHERE group_id = ?', [groupId])).map((r) => ({
    id: String(r.id),
    name: String(r.name),
    lat: Number(r.lat),
    lon: Number(r.lon),
    radius: Number(r.radius),
  }));
}
