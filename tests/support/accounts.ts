/**
 * Accounts for tests, made one of two ways. Through the HTTP API, as a person's app does it
 * (`signUp`, `signIn`, `makeGroup`, `joinGroup`): on any Hearth with a `url`, in this
 * process or spawned. Straight to the users service over the broker, as the gateway does it
 * (`signUpDirect`, `signInDirect`): for the users service's own tests, with no gateway.
 */
import assert from 'node:assert/strict';
import { users } from '../../src/contracts/index.ts';
import type { Operation, ReplyOf, RequestOf } from '../../src/kit/index.ts';
import { call } from './http.ts';

/** A signed-in user, through the API. */
export interface User {
  name: string;
  email: string;
  password: string;
  userId: string;
  sessionId: string;
  token: string;
  refreshToken: string;
}

let people = 0;

/** Registers a new user through the API (optionally with an invite) and signs them in. */
export async function signUp(h: { url: string }, name: string, invite?: string): Promise<User> {
  const email = `${name.toLowerCase()}-${++people}@example.com`;
  const password = `${name} has a long password`;
  const reg = await call(h, 'POST', '/v1/auth/register', { body: { email, password, displayName: name, ...(invite ? { invite } : {}) } });
  assert.equal(reg.status, 201, reg.text);
  return signIn(h, name, email, password);
}

/** Signs in (a new session). */
export async function signIn(h: { url: string }, name: string, email: string, password: string): Promise<User> {
  const login = await call(h, 'POST', '/v1/auth/login', { body: { email, password } });
  assert.equal(login.status, 200, login.text);
  return { name, email, password, userId: login.body.userId, sessionId: login.body.sessionId, token: login.body.accessToken, refreshToken: login.body.refreshToken };
}

/** Creates a group owned by `owner`; returns its id. */
export async function makeGroup(h: { url: string }, owner: User, name = 'Family'): Promise<string> {
  const res = await call(h, 'POST', '/v1/groups', { token: owner.token, body: { name } });
  assert.equal(res.status, 201, res.text);
  return res.body.id;
}

/** Brings `who` into `groupId` through an invite made by `by`. */
export async function joinGroup(h: { url: string }, groupId: string, by: User, who: User): Promise<void> {
  const invite = await call(h, 'POST', `/v1/groups/${groupId}/invites`, { token: by.token, body: {} });
  assert.equal(invite.status, 201, invite.text);
  const accept = await call(h, 'POST', `/v1/invites/${invite.body.code}/accept`, { token: who.token });
  assert.equal(accept.status, 200, accept.text);
}

/** Something that calls the users service over the broker (tests/users/support.ts's harness). */
export interface UsersService {
  call<O extends Operation>(op: O, data: RequestOf<O>): Promise<ReplyOf<O>>;
}

/** A signed-in user: their ids, token pair and the actor the gateway would put on requests. */
export interface SignedIn {
  userId: string;
  sessionId: string;
  email: string;
  password: string;
  name: string;
  tokens: users.TokenPair;
  actor: users.Actor;
}

/** Registers `name` with the users service (email `<name>@example.com`, optionally with an invite) and signs them in. */
export async function signUpDirect(h: UsersService, name: string, invite?: string): Promise<SignedIn> {
  const email = `${name.toLowerCase()}@example.com`;
  const password = `${name} has a long password`;
  await h.call(users.Register, { email, password, displayName: name, ...(invite ? { invite } : {}) });
  return signInDirect(h, email, password, name);
}

/** Signs in again (a new session) as an existing account. */
export async function signInDirect(h: UsersService, email: string, password: string, name = email, device?: string): Promise<SignedIn> {
  const tokens = await h.call(users.Login, { email, password, ...(device ? { device } : {}) });
  return { userId: tokens.userId, sessionId: tokens.sessionId, email, password, name, tokens, actor: { userId: tokens.userId, sessionId: tokens.sessionId } };
}
