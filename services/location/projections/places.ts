/** The places projection: each group's places and each member's suggestions, from the service's own events. */
import type * as v from 'valibot';
import type { InlineProjection } from '../../../src/kit/index.ts';
import type { location } from '../../../src/contracts/index.ts';

/** The projection of place events. */
export function placesProjection(): InlineProjection {
  return {
    name: 'places',
    async reset(tx) {
      await tx.execute('DELETE FROM places');
      await tx.execute('DELETE FROM suggestions');
    },
    async apply(e, tx) {
      if (e.type === 'place.added' || e.type === 'place.updated') {
        const p = (e.data as { place: location.Place }).place;
        await tx.execute('INSERT OR REPLACE INTO places (id, group_id, name, lat, lon, radius, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          p.id, p.groupId, p.name, p.lat, p.lon, p.radius, p.createdBy, p.createdAt,
        ]);
      } else if (e.type === 'place.removed') {
        await tx.execute('DELETE FROM places WHERE id = ?', [(e.data as { placeId: string }).placeId]);
      } else if (e.type === 'place.suggested') {
        const s = (e.data as { suggestion: v.InferOutput<typeof location.Suggestion> }).suggestion;
        await tx.execute('INSERT OR REPLACE INTO suggestions (id, user_id, name, lat, lon, radius, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          s.id, s.userId, s.name, s.lat, s.lon, s.radius, s.createdAt,
        ]);
      }
    },
  };
}
