import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../kit/index.ts';
import { groupOf, recipientOf } from './live-routes.ts';

const G = '01900000-0000-7000-8000-00000000000a';
const ANN = '01900000-0000-7000-8000-0000000000a1';
const P = '01900000-0000-7000-8000-0000000000b1';
const env = (source: string, type: string, data: unknown): Envelope => ({ id: 'e1', type, version: 1, seq: 1, at: '', source, stream: '', correlationId: '', causationId: '', data });
const place = { id: P, groupId: G, name: 'Home', lat: 1, lon: 2, radius: 100, createdBy: ANN, createdAt: '2025-01-01T10:00:00.000Z' };

describe('live routes: who a live event is for, through its contract', () => {
  it('finds the group of location, place and chat events', () => {
    assert.equal(groupOf(env('location', 'sos.raised', { groupId: G, userId: ANN, state: 'sos', lat: null, lon: null })), G);
    assert.equal(groupOf(env('location', 'place.added', { place })), G);
    assert.equal(groupOf(env('location', 'place.removed', { groupId: G, placeId: P })), G);
    assert.equal(groupOf(env('chat', 'message.deleted', { groupId: G, messageId: P, by: ANN, deletedAt: '2025-01-01T10:00:00.000Z' })), G);
  });

  it('finds no group for data its contract refuses, for unknown types, or for a member\'s own suggestions', () => {
    assert.equal(groupOf(env('location', 'sos.raised', { groupId: 'g', userId: ANN, state: 'sos', lat: null, lon: null })), undefined);
    assert.equal(groupOf(env('chat', 'message.deleted', { groupId: G })), undefined);
    assert.equal(groupOf(env('location', 'place.renamed', { groupId: G })), undefined);
    assert.equal(groupOf(env('chat', 'place.added', { place })), undefined, 'a type of another source');
    assert.equal(groupOf(env('location', 'place.suggested', { suggestion: { id: P, userId: ANN, name: 'x', lat: 1, lon: 2, radius: 100, createdAt: '' } })), undefined);
  });

  it('finds the recipient of a read marker of notifications', () => {
    assert.equal(recipientOf(env('notifications', 'notification.read', { userId: ANN, ids: null, upTo: null, unread: 0 })), ANN);
    assert.equal(recipientOf(env('notifications', 'notification.read', { userId: ANN })), undefined);
  });
});
