/**
 * location's part in the export saga (docs/sagas.md, "Exporting my data"): the person's
 * fixes (in every group, ordered by group and time: the orchestrator writes one GPX track
 * per group from them), the places and suggestions they created, their sharing and
 * journey state per group, and the history of their journeys, SOS, arrivals and departures. Reads only: asking for the same cursor again gives the same page.
 */
import { sagas } from '../../../src/contracts/index.ts';
import { decode, readSectionPage, type Section, type ServiceApi } from '../../../src/kit/index.ts';

const iso = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));

/** The sections, in the order the archive lists them. */
function sections(api: ServiceApi, userId: string): Section[] {
  return [
    {
      name: 'fixes',
      read: async (after, limit) => {
        const rows = await api.db.query(
          `SELECT group_id, device, fix_at, received_at, lat, lon, accuracy, altitude, speed, course, battery, battery_state FROM fixes
           WHERE user_id = ? AND (? IS NULL OR (group_id, fix_at, device) > (?, ?, ?)) ORDER BY group_id, fix_at, device LIMIT ?`,
          [userId, after ? 1 : null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, limit],
        );
        return rows.map((r) => ({
          key: [r.group_id, Number(r.fix_at), r.device],
          line: JSON.stringify({
            groupId: r.group_id, device: r.device, at: iso(r.fix_at), receivedAt: iso(r.received_at), lat: Number(r.lat), lon: Number(r.lon),
            accuracy: num(r.accuracy), altitude: num(r.altitude), speed: num(r.speed), course: num(r.course), battery: num(r.battery), batteryState: r.battery_state ?? null,
          }),
        }));
      },
    },
    {
      name: 'places',
      read: async (after, limit) => {
        const rows = await api.db.query('SELECT id, group_id, name, lat, lon, radius, created_at FROM places WHERE created_by = ? AND id > ? ORDER BY id LIMIT ?', [userId, after?.[0] ?? '', limit]);
        return rows.map((r) => ({ key: [r.id], line: JSON.stringify({ id: r.id, groupId: r.group_id, name: r.name, lat: Number(r.lat), lon: Number(r.lon), radiusM: Number(r.radius), createdAt: r.created_at }) }));
      },
    },
    {
      name: 'place-suggestions',
      read: async (after, limit) => {
        const rows = await api.db.query('SELECT id, name, lat, lon, radius, created_at FROM suggestions WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?', [userId, after?.[0] ?? '', limit]);
        return rows.map((r) => ({ key: [r.id], line: JSON.stringify({ id: r.id, name: r.name, lat: Number(r.lat), lon: Number(r.lon), radiusM: Number(r.radius), createdAt: r.created_at }) }));
      },
    },
    {
      name: 'sharing-and-journeys',
      read: async (after, limit) => {
        const rows = await api.db.query('SELECT group_id, status, sharing, state FROM scopes WHERE user_id = ? AND group_id > ? ORDER BY group_id LIMIT ?', [userId, after?.[0] ?? '', limit]);
        return rows.map((r) => ({ key: [r.group_id], line: JSON.stringify({ groupId: r.group_id, status: r.status, sharing: Number(r.sharing) === 1, state: JSON.parse(String(r.state)) as unknown }) }));
      },
    },
    {
      // Journeys, SOS, arrivals and departures, sharing paused and resumed: the person's scope
      // events (their fixes are the section above), from the event log — the read models keep only the latest.
      name: 'journeys-and-alerts',
      read: async (after, limit) => {
        const rows = await api.db.query(
          `SELECT seq, type, at, data FROM kit_events
           WHERE stream IN (SELECT 'scope:' || group_id || ':' || user_id FROM scopes WHERE user_id = ?) AND type <> 'location.sampled' AND seq > ?
           ORDER BY seq LIMIT ?`,
          [userId, Number(after?.[0] ?? 0), limit],
        );
        return rows.map((r) => {
          const { userId: _self, groupId, ...rest } = decode(new Uint8Array(r.data as ArrayBuffer)) as Record<string, unknown>;
          return { key: [Number(r.seq)], line: JSON.stringify({ at: r.at, type: r.type, groupId, ...rest }) };
        });
      },
    },
  ];
}

/** Answers `saga.location.export_page`. */
export function handleExportSaga(api: ServiceApi): void {
  api.handle(sagas.ExportLocationPage, ({ data }) => readSectionPage(sections(api, data.userId), data.cursor, data.limit, sagas.EXPORT_PAGE_BYTES));
}
