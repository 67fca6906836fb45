/**
 * My groups, the one I am looking at, and each group's members — kept in step with the
 * stream's `group.*` events (joined, left, removed, role changed, renamed, deleted). When I
 * leave a group, am removed from it, or it is deleted, it goes from the page at once and
 * a message says why.
 */
import { computed, signal } from '@preact/signals';
import { api } from '../api/client.ts';
import { recall, remember } from '../api/cache.ts';
import { auth, onSessionEnd } from '../api/session.ts';
import { onEvent, onSync, type StreamEvent } from '../api/stream.ts';
import type { Group, Member } from '../api/types.ts';
import { toast } from '../app/toast.ts';
import { t } from '../strings.ts';

/** My groups, with my role in each. */
export const groups = signal<Group[]>([]);
/** True once the list was loaded (from the cache or the server). */
export const groupsLoaded = signal(false);
/** Members by group id (loaded when a view needs them). */
export const members = signal<Record<string, Member[]>>({});

const CURRENT = 'hearth.group';
const picked = signal<string | null>(localStorage.getItem(CURRENT));

/** The group the views show: the one picked, else the first. */
export const currentGroup = computed<Group | null>(() => groups.value.find((g) => g.id === picked.value) ?? groups.value[0] ?? null);

/** Picks the group the views show. */
export function pickGroup(groupId: string): void {
  picked.value = groupId;
  localStorage.setItem(CURRENT, groupId);
}

/** Loads my groups (cached first). */
export async function loadGroups(): Promise<void> {
  const userId = auth.value?.userId;
  if (!userId) return;
  if (!groupsLoaded.value) {
    const cached = await recall<Group[]>(userId, 'groups');
    if (cached) setGroups(cached);
  }
  const { groups: fresh } = await api<{ groups: Group[] }>('GET', '/v1/groups');
  setGroups(fresh);
}

function setGroups(list: Group[]): void {
  groups.value = list;
  groupsLoaded.value = true;
  const userId = auth.value?.userId;
  if (userId) void remember(userId, 'groups', list);
}

/** Loads a group's members. */
export async function loadMembers(groupId: string): Promise<Member[]> {
  const userId = auth.value?.userId;
  if (userId && !members.value[groupId]) {
    const cached = await recall<Member[]>(userId, `members:${groupId}`);
    if (cached) setMembers(groupId, cached);
  }
  const { members: list } = await api<{ members: Member[] }>('GET', `/v1/groups/${groupId}/members`);
  setMembers(groupId, list);
  return list;
}

function setMembers(groupId: string, list: Member[]): void {
  members.value = { ...members.value, [groupId]: list };
  const userId = auth.value?.userId;
  if (userId) void remember(userId, `members:${groupId}`, list);
}

/** A member's display name in a group ("Deleted account" style fallback when unknown). */
export function nameOf(groupId: string, userId: string): string {
  return members.value[groupId]?.find((m) => m.userId === userId)?.displayName ?? '…';
}

/** Creates a group (I am its owner) and shows it. */
export async function createGroup(name: string): Promise<Group> {
  const g = await api<Group>('POST', '/v1/groups', { body: { name: name.trim() } });
  addGroup(g);
  pickGroup(g.id);
  return g;
}

/** Adds a group I created or joined (before its event arrives). */
export function addGroup(g: Group): void {
  if (!groups.value.some((x) => x.id === g.id)) setGroups([...groups.value, g]);
}

/** Removes a group from the page (left, removed, deleted), with a message saying why. */
export function dropGroup(groupId: string, why?: string): void {
  const g = groups.value.find((x) => x.id === groupId);
  if (!g) return;
  setGroups(groups.value.filter((x) => x.id !== groupId));
  const { [groupId]: _gone, ...rest } = members.value;
  members.value = rest;
  if (why) toast(why);
}

function patchGroup(groupId: string, patch: Partial<Group>): void {
  setGroups(groups.value.map((g) => (g.id === groupId ? { ...g, ...patch } : g)));
}

function onGroupEvent(e: StreamEvent): void {
  const me = auth.value?.userId;
  const d = e.event.data as { groupId: string; userId?: string; displayName?: string; role?: Member['role']; name?: string };
  const g = groups.value.find((x) => x.id === d.groupId);
  const list = members.value[d.groupId];
  switch (e.event.type) {
    case 'group.member_joined':
      if (d.userId === me && !g) void loadGroups().catch(() => undefined);
      if (list && !list.some((m) => m.userId === d.userId)) setMembers(d.groupId, [...list, { userId: d.userId!, displayName: d.displayName!, role: d.role!, joinedAt: e.event.at }]);
      if (g && d.userId !== me) patchGroup(d.groupId, { memberCount: g.memberCount + 1 });
      break;
    case 'group.member_left':
    case 'group.member_removed':
      if (d.userId === me) dropGroup(d.groupId, e.event.type === 'group.member_removed' ? t.groups.removed(g?.name ?? '') : undefined);
      else {
        if (list) setMembers(d.groupId, list.filter((m) => m.userId !== d.userId));
        if (g) patchGroup(d.groupId, { memberCount: Math.max(1, g.memberCount - 1) });
      }
      break;
    case 'group.member_role_changed':
      if (list) setMembers(d.groupId, list.map((m) => (m.userId === d.userId ? { ...m, role: d.role! } : m)));
      if (d.userId === me) patchGroup(d.groupId, { role: d.role! });
      break;
    case 'group.renamed':
      patchGroup(d.groupId, { name: d.name! });
      break;
    case 'group.deleted':
      dropGroup(d.groupId, g ? t.groups.deleted(g.name) : undefined);
      break;
  }
}

onEvent('group.', onGroupEvent);
onSync(() => {
  void loadGroups().catch(() => undefined);
  for (const groupId of Object.keys(members.value)) void loadMembers(groupId).catch(() => undefined);
});
onSessionEnd(() => {
  groups.value = [];
  members.value = {};
  groupsLoaded.value = false;
});
