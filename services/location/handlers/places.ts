/**
 * Places: a group's named circles, managed by its owner and admins and readable by every
 * member; and waypoints imported from a phone, which become places of the groups the
 * member administers and suggestions elsewhere. Place changes are events on the group's
 * `places:<groupId>` stream; entering and leaving are judged from fixes (decide.ts).
 */
import { AppError, uuidv7 } from '../../../src/kit/index.ts';
import { location, membership } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { placesStream } from '../domain/index.ts';
import { fromDb, groupsOf, inTx, requireAdmin, requireMember } from '../store/members.ts';
import { findPlace, listPlaces } from '../store/places.ts';

const MAX_PLACES = 100;

/** Registers the handlers. */
export function handlePlaces(d: Deps): void {
  const iso = () => new Date(d.api.now()).toISOString();

  d.api.handle(location.CreatePlace, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      await requireAdmin(read, req.groupId, req.actor.userId);
      const [count] = await read('SELECT count(*) AS n FROM places WHERE group_id = ?', [req.groupId]);
      if (Number(count!.n) >= MAX_PLACES) throw new AppError('conflict', 'location.too_many_places', `A group has at most ${MAX_PLACES} places`);
      const place = { id: uuidv7(), groupId: req.groupId, name: req.name, lat: req.lat, lon: req.lon, radius: req.radius, createdBy: req.actor.userId, createdAt: iso() };
      await tx.append(location.PlaceAdded, { place }, { stream: placesStream(req.groupId) });
      return place;
    }),
  );

  d.api.handle(location.UpdatePlace, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      await requireAdmin(read, req.groupId, req.actor.userId);
      const old = await findPlace(read, req.groupId, req.placeId);
      if (!old) throw new AppError('not_found', 'location.no_place', 'No such place in this group');
      const place = { ...old, name: req.name ?? old.name, lat: req.lat ?? old.lat, lon: req.lon ?? old.lon, radius: req.radius ?? old.radius };
      await tx.append(location.PlaceUpdated, { place }, { stream: placesStream(req.groupId) });
      return place;
    }),
  );

  d.api.handle(location.DeletePlace, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      await requireAdmin(read, req.groupId, req.actor.userId);
      if (!(await findPlace(read, req.groupId, req.placeId))) throw new AppError('not_found', 'location.no_place', 'No such place in this group');
      await tx.append(location.PlaceRemoved, { groupId: req.groupId, placeId: req.placeId }, { stream: placesStream(req.groupId) });
      return {};
    }),
  );

  d.api.handle(location.ListPlaces, async (req) => {
    const read = fromDb(d.db);
    await requireMember(read, req.groupId, req.actor.userId);
    return { places: await listPlaces(read, req.groupId) };
  });

  d.api.handle(location.ListSuggestions, async (req) => {
    const read = fromDb(d.db);
    const { role } = await requireMember(read, req.groupId, req.actor.userId);
    const admin = membership.isAdmin(role);
    const rows = admin
      ? await read('SELECT s.* FROM suggestions s JOIN members m ON m.user_id = s.user_id AND m.group_id = ? ORDER BY s.created_at, s.id', [req.groupId])
      : await read('SELECT * FROM suggestions WHERE user_id = ? ORDER BY created_at, id', [req.actor.userId]);
    return {
      suggestions: rows.map((r) => ({ id: String(r.id), userId: String(r.user_id), name: String(r.name), lat: Number(r.lat), lon: Number(r.lon), radius: Number(r.radius), createdAt: String(r.created_at) })),
    };
  });

  d.api.handle(location.ImportWaypoints, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      const groups = await groupsOf(read, req.actor.userId);
      const administered = groups.filter((g) => membership.isAdmin(g.role));
      // A suggestion is the member's own, shown to the admins of their other groups (and with no group at all, kept for later).
      const suggest = administered.length < groups.length || groups.length === 0;
      let places = 0;
      let suggestions = 0;
      for (const w of req.waypoints) {
        if (suggest) {
          const suggestion = { id: uuidv7(), userId: req.actor.userId, name: w.name, lat: w.lat, lon: w.lon, radius: w.radius, createdAt: iso() };
          await tx.append(location.PlaceSuggested, { suggestion }, { stream: `suggestions:${req.actor.userId}` });
          suggestions++;
        }
        for (const { groupId } of administered) {
          const [same] = await read('SELECT * FROM places WHERE group_id = ? AND name = ?', [groupId, w.name]);
          const base = same ? await findPlace(read, groupId, String(same.id)) : undefined;
          const place = { id: base?.id ?? uuidv7(), groupId, name: w.name, lat: w.lat, lon: w.lon, radius: w.radius, createdBy: base?.createdBy ?? req.actor.userId, createdAt: base?.createdAt ?? iso() };
          await tx.append(base ? location.PlaceUpdated : location.PlaceAdded, { place }, { stream: placesStream(groupId) });
          places++;
        }
      }
      return { places, suggestions };
    }),
  );
}
