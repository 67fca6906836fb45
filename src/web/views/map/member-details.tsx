/**
 * One member's details: state, battery, accuracy, last seen, distance, journey, SOS and the
 * places they are in, and today's track (drawn on the map, and kept growing as their fixes
 * arrive). A member who does not share with the group is said to be "not sharing" — the
 * API refuses their track with `location.not_sharing`, which is an answer, not an error.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client.ts';
import { auth } from '../../api/session.ts';
import type { MemberView, TrackPoint } from '../../api/types.ts';
import { formatDistance } from '../../lib/geo.ts';
import { clock } from '../../lib/time.ts';
import { currentGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { Avatar, ErrorMessage, TimeAgo } from '../../ui/index.ts';
import { here, mapHandle, past, shownPlaces, track } from './map-state.ts';
import { batteryWords, distanceWords, stateWords } from './member-status.ts';
import { LocateNow } from './locate-now.tsx';

type TrackState = { kind: 'loading' } | { kind: 'ok'; total: number; distanceM: number } | { kind: 'notSharing' } | { kind: 'error'; error: unknown };

const midnight = () => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
};

/** The details of `m`; `onClose` when closed. */
export function MemberDetails({ m, onClose }: { m: MemberView; onClose: () => void }) {
  const groupId = currentGroup.value?.id;
  const [state, setState] = useState<TrackState>({ kind: 'loading' });
  const d = t.map.details;
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from a marker or the list: a screen reader (and a phone's scroll) goes to it.
  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    track.value = null;
    // Not sharing: the API would refuse (403); say it without asking.
    if (!m.sharing) return setState({ kind: 'notSharing' });
    if (!groupId) return;
    let stale = false;
    setState({ kind: 'loading' });
    api<{ points: TrackPoint[]; total: number; distanceM: number }>('GET', `/v1/groups/${groupId}/members/${m.userId}/track?from=${encodeURIComponent(midnight())}`)
      .then((r) => {
        if (stale) return;
        track.value = { userId: m.userId, points: r.points };
        setState({ kind: 'ok', total: r.total, distanceM: r.distanceM });
      })
      .catch((error) => {
        if (stale) return;
        setState(error instanceof ApiError && error.code === 'location.not_sharing' ? { kind: 'notSharing' } : { kind: 'error', error });
      });
    return () => {
      stale = true;
      track.value = null;
    };
  }, [groupId, m.userId, m.sharing]);

  // A new fix of theirs extends the track drawn (the live view only; a past one stands still).
  const fix = m.lastFix;
  useEffect(() => {
    const tr = track.peek();
    if (!fix || past.peek() || !tr || tr.userId !== m.userId) return;
    const last = tr.points[tr.points.length - 1];
    if (last && last.lat === fix.lat && last.lon === fix.lon) return;
    track.value = { userId: m.userId, points: [...tr.points, { lat: fix.lat, lon: fix.lon }] };
  }, [fix?.fixAt]);

  const name = m.userId === auth.value?.userId ? t.map.you(m.displayName) : m.displayName;
  const inPlaces = shownPlaces.value.filter((p) => m.places.includes(p.id)).map((p) => p.name);
  const j = m.journey;
  return (
    <section class="map-section details card" aria-labelledby="details-title">
      <div class="details-head">
        <Avatar id={m.userId} name={m.displayName} size={44} />
        <h2 id="details-title" ref={heading} tabIndex={-1}>
          {name}
        </h2>
        <button type="button" class="icon-btn" aria-label={d.close} onClick={onClose}>
          ×
        </button>
      </div>
      {!m.sharing && <p class="state-word state-paused">{d.notSharing(m.displayName)}</p>}
      {m.sos && <p class="sos-line" role="status">{d.sosSince(clock(m.sos.at))}</p>}
      <dl class="facts">
        <dt>{d.state}</dt>
        <dd>{stateWords(m)}</dd>
        {m.sharing && (
          <>
            <dt>{d.battery}</dt>
            <dd>{batteryWords(m, { bare: true }) ?? d.unknown}</dd>
            <dt>{d.accuracy}</dt>
            <dd>{m.lastFix?.accuracy != null ? t.map.accuracy(formatDistance(m.lastFix.accuracy)) : d.unknown}</dd>
            <dt>{d.lastSeen}</dt>
            <dd>
              <TimeAgo iso={m.lastSeen ?? m.lastFix?.fixAt} />
            </dd>
          </>
        )}
        {distanceWords(m, here.value) && m.userId !== auth.value?.userId && (
          <>
            <dt>{d.distance}</dt>
            <dd>{distanceWords(m, here.value)}</dd>
          </>
        )}
        {j && (
          <>
            <dt>{d.journey}</dt>
            <dd>
              {d.journeyTo(j.destination.name, t.map.modes[j.mode] ?? j.mode)}, {d.expected(clock(j.expectedArrival))}
              {j.late && <strong class="flag"> · {d.late}</strong>}
              {j.stuck && <strong class="flag"> · {d.stuck}</strong>}
            </dd>
          </>
        )}
        {inPlaces.length > 0 && (
          <>
            <dt>{d.places}</dt>
            <dd>{inPlaces.join(', ')}</dd>
          </>
        )}
        {m.sharing && (
          <>
            <dt>{d.track}</dt>
            <dd>{state.kind === 'loading' ? d.loadingTrack : state.kind === 'ok' ? (state.total ? d.trackSummary(state.total, formatDistance(state.distanceM)) : d.noTrack) : state.kind === 'notSharing' ? d.notSharing(m.displayName) : <ErrorMessage error={state.error} />}</dd>
          </>
        )}
      </dl>
      {m.lastFix && (
        <button type="button" class="btn small" onClick={() => mapHandle.current?.centerOn(m.lastFix!)}>
          {d.center}
        </button>
      )}
      {groupId && !past.value && m.sharing && <LocateNow groupId={groupId} userId={m.userId} name={m.displayName} />}
    </section>
  );
}
