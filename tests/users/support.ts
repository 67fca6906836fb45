/**
 * Shared pieces of the users service's integration tests: the service run in this process
 * against a per-file embedded broker, with a configuration loaded the way Hearth loads it
 * (then overridden), a movable clock, a Requester to call it, and checks of its answers.
 * Accounts are made with `signUpDirect` (tests/support/accounts.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { loadConfig, type HearthConfig } from '../../src/config/index.ts';
import { sagas, users } from '../../src/contracts/index.ts';
import { AppError, createLogger, Requester, Responder, type Operation, type ReplyOf, type RequestOf, type RunningService } from '../../src/kit/index.ts';
import usersService from '../../services/users/index.ts';
import { client } from '../support/broker.ts';
import { logSink, startService, type LogSink } from '../support/service.ts';

/** A running users service and the means to talk to it. */
export interface UsersHarness {
  svc: RunningService;
  nc: NatsConnection;
  config: HearthConfig;
  logs: LogSink;
  /** Moves the service's clock forward (ms); tests that use it put it back. */
  clock: { offset: number };
  call<O extends Operation>(op: O, data: RequestOf<O>): Promise<ReplyOf<O>>;
  stop(): Promise<void>;
}

let n = 0;

/** Starts the users service with Hearth's default configuration changed by `edit`. */
export async function startUsers(url: string, dir: string, edit: (c: HearthConfig) => void = () => {}): Promise<UsersHarness> {
  const { config } = loadConfig([], {}, { cwd: dir });
  config.public_url = 'https://hearth.test';
  edit(config);
  const clock = { offset: 0 };
  const logs = logSink();
  const svc = await startService(usersService, url, join(dir, `users-${++n}.db`), { settings: config, log: logs.options, now: () => Date.now() + clock.offset });
  const nc = await client(url, 'users-test');
  standInParticipants(nc, logs);
  const requester = new Requester(nc, { timeoutMs: 10_000, maxRequestBytes: 1 << 18 });
  return {
    svc,
    nc,
    config,
    logs,
    clock,
    call: (op, data) => requester.request(op, data),
    stop: async () => {
      await nc.close();
      await svc.stop();
    },
  };
}

/**
 * The participants of the account- and group-deletion sagas for a users service running
 * alone: each confirms its step at once (the real steps are tested with every service in
 * tests/sagas/). Without them a deletion would wait for ever, or fail and show the group again.
 */
function standInParticipants(nc: NatsConnection, logs: LogSink): void {
  const steps = [
    sagas.AccountDeletionEraseLocation, sagas.AccountDeletionEraseChat, sagas.AccountDeletionEraseNotifications, sagas.AccountDeletionEraseGateway,
    sagas.GroupDeletionNotifyMembers, sagas.GroupDeletionEraseChat, sagas.GroupDeletionEraseLocation, sagas.GroupDeletionEraseNotifications, sagas.GroupDeletionEraseGateway,
  ];
  for (const service of new Set(steps.map((op) => op.service))) {
    const r = new Responder(nc, { service, log: createLogger({ service: `stand-in ${service}`, ...logs.options }), maxRequestBytes: 1 << 18 });
    for (const op of steps.filter((x) => x.service === service)) r.handle(op as typeof sagas.AccountDeletionEraseChat, async () => ({ erased: 0 }));
    r.listen([`saga.${service}.>`]);
  }
}

/** Asserts that `p` rejects with the AppError `code` (and `kind` when given). */
export async function rejectsWith(p: Promise<unknown>, code: string, kind?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AppError, `not an AppError: ${String(e)}`);
    assert.equal(e.code, code);
    if (kind) assert.equal(e.kind, kind);
    return true;
  });
}

/** The outcome of a call as a short string: 'ok' or the error code without `users.` (for tables). */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return e.code.replace(/^users\./, '');
  }
}

/** Verifies an access token against the service's published JWKS, checking every claim the gateway checks. */
export async function verifyAccessToken(h: UsersHarness, token: string) {
  return jwtVerify(token, createLocalJWKSet(await h.call(users.GetJwks, {})), {
    issuer: 'https://hearth.test',
    audience: 'hearth',
    typ: 'at+jwt',
    algorithms: ['EdDSA'],
  });
}
