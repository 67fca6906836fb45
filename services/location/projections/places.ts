/** The places projection: each group's places and each member's suggestions, from the service's own events. */
import { on, type ProjectionSpec, type Tx } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';

const savePlace = (tx: Tx, p: location.Place) =>
  tx.execute('INSERT OR REPLACE INTO places (id, group_id, name, lat, lon, radius, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    p.id, p.groupId, p.name, p.lat, p.lon, p.radius, p.createdBy, p.createdAt,
  ]);

/** The projection of place events. */
export function placesProjection(): ProjectionSpec {
  return {
    name: 'places',
    async reset(tx) {
      await tx.execute('DELETE FROM places');
      await tx.execute('DELETE FROM suggestions');
    },
    handlers: [
      on(location.PlaceAdded, (e, tx) => savePlace(tx, e.data.place)),
      on(location.PlaceUpdated, (e, tx) => savePlace(tx, e.data.place)),
      on(location.PlaceRemoved, (e, tx) => tx.execute('DELETE FROM places WHERE id = ?', [e.data.placeId])),
      on(location.PlaceSuggested, (e, tx) => {
        const s = e.data.suggestion;
        return tx.execute('INSERT OR REPLACE INTO suggestions (id, user_id, name, lat, lon, radius, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          s.id, s.userId, s.name, s.lat, s.lon, s.radius, s.createdAt,
        ]);
      }),
    ],
  };
}
