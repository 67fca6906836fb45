/**
 * What members read: the group's live view (now, or at any past instant: time travel), a
 * member's track (downsampled, with the distance travelled) and its export as GPX 1.1 or
 * GeoJSON, and the OwnTracks friends list. A member who paused sharing with the group shows
 * only that they paused: no position, no state, no track, now or in the past.
 */
import { AppError } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { downsample, emptyScope, memberView, toGeoJson, toGpx, trackDistanceM } from '../domain/index.ts';
import { fromDb, groupsOf, membersOf, requireMember, type Read } from '../store/members.ts';

/** Longest track range one request may ask for. */
const MAX_RANGE_MS = 366 * 86_400_000;
/** Most fixes one track or export reads. */
const MAX_FIXES = 200_000;

/** Registers the handlers. */
export function handleViews(d: Deps): void {
  d.api.handle(location.GetLive, async (req) => {
    const read = fromDb(d.db);
    await requireMember(read, req.groupId, req.actor.userId);
    const now = d.api.now();
    const at = req.at === undefined ? undefined : new Date(Date.parse(req.at)).toISOString();
    if (at !== undefined && Date.parse(at) > now) throw new AppError('validation', 'location.at_in_future', 'Time travel goes to the past only', { issues: [{ path: 'at', message: 'is in the future' }] });
    const members = [];
    const scopes = await d.scopes.loadGroup(read, req.groupId);
    for (const m of await membersOf(read, req.groupId)) {
      const current = scopes.get(m.userId) ?? emptyScope(req.groupId, m.userId);
      // Pausing hides the past too: a paused member is shown as paused at every instant.
      const scope = at === undefined || !current.sharing ? current : await d.scopes.at(read, req.groupId, m.userId, at);
      members.push(memberView(m, scope));
    }
    return { groupId: req.groupId, at: at ?? new Date(now).toISOString(), members };
  });

  d.api.handle(location.GetTrack, async (req) => {
    const { points, from, to } = await readTrack(d, req);
    return {
      groupId: req.groupId,
      userId: req.userId,
      from,
      to,
      points: downsample(points, req.limit),
      total: points.length,
      distanceM: Math.round(trackDistanceM(points)),
    };
  });

  d.api.handle(location.ExportTrack, async (req) => {
    const { points, from, name } = await readTrack(d, req);
    const base = `track-${name.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'member'}-${from.slice(0, 10)}`;
    return req.format === 'gpx'
      ? { contentType: 'application/gpx+xml', filename: `${base}.gpx`, body: toGpx({ name, points }) }
      : { contentType: 'application/geo+json', filename: `${base}.geojson`, body: toGeoJson({ name, userId: req.userId, points }) };
  });

  d.api.handle(location.GetFriends, async (req) => {
    const read = fromDb(d.db);
    const newest = new Map<string, { userId: string; displayName: string; lastFix: location.Sample }>();
    const others = new Map<string, { userId: string; displayName: string }>();
    for (const { groupId } of await groupsOf(read, req.actor.userId)) {
      const scopes = await d.scopes.loadGroup(read, groupId);
      for (const m of await membersOf(read, groupId)) {
        const s = scopes.get(m.userId);
        if (m.userId !== req.actor.userId) others.set(m.userId, { userId: m.userId, displayName: m.displayName });
        if (m.userId === req.actor.userId || !s?.sharing || !s.lastFix) continue;
        const seen = newest.get(m.userId);
        if (!seen || Date.parse(s.lastFix.fixAt) > Date.parse(seen.lastFix.fixAt)) newest.set(m.userId, { userId: m.userId, displayName: m.displayName, lastFix: s.lastFix });
      }
    }
    // Everyone else the actor shares a group with, shown or not: the tids are assigned over
    // them all, so a friend's tid does not move when another pauses or has no fix (#16).
    return { friends: [...newest.values()], coMembers: [...others.values()] };
  });
}

/** The checked track of a member: the actor must be in the group, the member too, and sharing unless it is the actor. */
async function readTrack(d: Deps, req: { actor: { userId: string }; groupId: string; userId: string; from: string; to: string }) {
  const read: Read = fromDb(d.db);
  await requireMember(read, req.groupId, req.actor.userId);
  const [member] = await read('SELECT display_name FROM members WHERE group_id = ? AND user_id = ?', [req.groupId, req.userId]);
  if (!member) throw new AppError('not_found', 'location.no_such_member', 'No such member in this group');
  if (req.userId !== req.actor.userId && !(await d.scopes.load(read, req.groupId, req.userId)).sharing) {
    throw new AppError('forbidden', 'location.not_sharing', 'This member is not sharing their location with the group');
  }
  const from = Date.parse(req.from);
  const to = Date.parse(req.to);
  const errors = to < from ? [{ path: 'to', message: 'must not be before from' }] : to - from > MAX_RANGE_MS ? [{ path: 'to', message: 'must be at most 366 days after from' }] : [];
  if (errors.length) throw new AppError('validation', 'location.bad_range', 'The time range is not valid', { issues: errors });
  const rows = await read(
    'SELECT lat, lon, fix_at, accuracy, altitude, speed FROM fixes WHERE group_id = ? AND user_id = ? AND fix_at BETWEEN ? AND ? ORDER BY fix_at LIMIT ?',
    [req.groupId, req.userId, from, to, MAX_FIXES],
  );
  const points: location.TrackPoint[] = rows.map((r) => ({
    lat: Number(r.lat),
    lon: Number(r.lon),
    at: new Date(Number(r.fix_at)).toISOString(),
    accuracy: r.accuracy === null ? null : Number(r.accuracy),
    altitude: r.altitude === null ? null : Number(r.altitude),
    speed: r.speed === null ? null : Number(r.speed),
  }));
  return { points, from: new Date(from).toISOString(), to: new Date(to).toISOString(), name: String(member.display_name) };
}
