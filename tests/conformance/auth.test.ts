/**
 * Authentication and permissions (issue item 5): token, user/password and nkey logins,
 * `-ERR 'Authorization Violation'` for bad credentials, and publish/subscribe permissions
 * with wildcards, deny beating allow, and allow_responses — violations answered with
 * nats-server's exact -ERR text while the connection stays open.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { ErrorCode, nkeyAuthenticator, StringCodec, type NatsError } from 'nats';
import { conf, targets } from './targets.ts';
import { rawConnect, rawReady, type RawClient } from './raw-client.ts';
import { SUITE_TIMEOUT, useBroker } from './support-broker.ts';
import { collect, readInfo, tcpClient } from './support-clients.ts';

const sc = StringCodec();
const nkeyUser = createUser();
const stranger = createUser();

const tokenConf = conf('authorization { token: "t0ken-s3cret", timeout: 0.3 }');
const usersConf = conf(`
authorization {
  users: [
    { user: alice, password: "s3cret" }
    { user: limited, password: "pw", permissions: {
        publish: { allow: ["pub.>"], deny: ["pub.secret.>"] }
        subscribe: { allow: ["sub.>", "_INBOX.>"], deny: ["sub.secret"] }
    } }
    { user: responder, password: "pw", permissions: { subscribe: "svc.>", publish: "log.>", allow_responses: true } }
    { nkey: ${nkeyUser.getPublicKey()} }
  ]
}
`);

/** The CONNECT `sig` for `nonce`: an ed25519 signature of its bytes, base64url (auth.go). */
function signNonce(kp: KeyPair, nonce: string): string {
  return Buffer.from(kp.sign(new TextEncoder().encode(nonce))).toString('base64url');
}

/** Sends CONNECT with `fields` after INFO and returns what the broker answers to a PING. */
async function connectWith(port: number, fields: Record<string, unknown>): Promise<{ c: RawClient; reply: string }> {
  const c = await rawConnect(port);
  await readInfo(c);
  c.write(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, ...fields })}\r\nPING\r\n`);
  return { c, reply: await c.readUntil('\r\n') };
}

/** Asserts the broker refuses the login with -ERR 'Authorization Violation' and closes. */
async function assertRefused(port: number, fields: Record<string, unknown>): Promise<void> {
  const { c, reply } = await connectWith(port, fields);
  try {
    assert.equal(reply, "-ERR 'Authorization Violation'\r\n");
    assert.equal(await c.waitClosed(1000), true);
  } finally {
    c.close();
  }
}

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    describe('token', () => {
      const broker = useBroker(target, tokenConf);

      it('announces auth_required and no nonce when only a token is configured', async () => {
        const c = await rawConnect(broker().port);
        try {
          const info = await readInfo(c);
          assert.equal(info.auth_required, true);
          assert.equal('nonce' in info, false);
        } finally {
          c.close();
        }
      });

      it('lets a nats client in with the right token', async () => {
        const nc = await tcpClient(broker(), { token: 't0ken-s3cret' });
        try {
          const sub = nc.subscribe('tok.in');
          nc.publish('tok.in', sc.encode('hi'));
          assert.equal(sc.decode((await collect(sub, 1))[0]!.data), 'hi');
        } finally {
          await nc.close();
        }
      });

      it("refuses a wrong or missing token with -ERR 'Authorization Violation'", async () => {
        await assertRefused(broker().port, { auth_token: 'wrong' });
        await assertRefused(broker().port, {});
      });

      it('makes the nats client fail to connect with a wrong token', async () => {
        await assert.rejects(tcpClient(broker(), { token: 'wrong' }), (e: NatsError) => e.code === ErrorCode.AuthorizationViolation);
      });

      it("refuses an operation sent before CONNECT with -ERR 'Authorization Violation'", async () => {
        const c = await rawConnect(broker().port);
        try {
          await readInfo(c);
          c.write('PUB early 1\r\na\r\n');
          assert.equal(await c.readUntil('\r\n'), "-ERR 'Authorization Violation'\r\n");
          assert.equal(await c.waitClosed(1000), true);
        } finally {
          c.close();
        }
      });

      it("closes a client that sends no CONNECT within the auth timeout with -ERR 'Authentication Timeout'", async () => {
        const c = await rawConnect(broker().port);
        try {
          await readInfo(c);
          assert.equal(await c.readUntil('\r\n', 1500), "-ERR 'Authentication Timeout'\r\n");
          assert.equal(await c.waitClosed(1000), true);
        } finally {
          c.close();
        }
      });
    });

    describe('users, nkeys and permissions', () => {
      const broker = useBroker(target, usersConf);

      it('announces auth_required and a nonce when nkey users are configured', async () => {
        const c = await rawConnect(broker().port);
        try {
          const info = await readInfo(c);
          assert.equal(info.auth_required, true);
          assert.equal(typeof info.nonce, 'string');
          assert.ok((info.nonce as string).length > 0);
        } finally {
          c.close();
        }
      });

      it('lets a user in with the right password and refuses a wrong one or an unknown user', async () => {
        const ok = await connectWith(broker().port, { user: 'alice', pass: 's3cret' });
        try {
          assert.equal(ok.reply, 'PONG\r\n');
        } finally {
          ok.c.close();
        }
        await assertRefused(broker().port, { user: 'alice', pass: 'nope' });
        await assertRefused(broker().port, { user: 'mallory', pass: 's3cret' });
        await assertRefused(broker().port, {});
      });

      it('makes the nats client fail to connect with a wrong password', async () => {
        await assert.rejects(tcpClient(broker(), { user: 'alice', pass: 'nope' }), (e: NatsError) => e.code === ErrorCode.AuthorizationViolation);
      });

      it('lets a nats client in with an nkey seed', async () => {
        const nc = await tcpClient(broker(), { authenticator: nkeyAuthenticator(nkeyUser.getSeed()) });
        try {
          const sub = nc.subscribe('nk.in');
          nc.publish('nk.in', sc.encode('signed'));
          assert.equal(sc.decode((await collect(sub, 1))[0]!.data), 'signed');
        } finally {
          await nc.close();
        }
      });

      it('lets in a raw client that signs the nonce with its nkey, and refuses a wrong signature or key', async () => {
        const attempt = async (claimed: KeyPair, signer: KeyPair) => {
          const c = await rawConnect(broker().port);
          const { nonce } = (await readInfo(c)) as { nonce: string };
          c.write(`CONNECT ${JSON.stringify({ verbose: false, nkey: claimed.getPublicKey(), sig: signNonce(signer, nonce) })}\r\nPING\r\n`);
          return { c, reply: await c.readUntil('\r\n') };
        };
        const good = await attempt(nkeyUser, nkeyUser);
        good.c.close();
        assert.equal(good.reply, 'PONG\r\n');
        // The configured key, signed by someone else; then a key that is not configured.
        for (const [claimed, signer] of [[nkeyUser, stranger], [stranger, stranger]] as const) {
          const bad = await attempt(claimed, signer);
          try {
            assert.equal(bad.reply, "-ERR 'Authorization Violation'\r\n");
            assert.equal(await bad.c.waitClosed(1000), true);
          } finally {
            bad.c.close();
          }
        }
      });

      it('refuses publishes outside the allow list or inside the deny list and keeps the connection open', async () => {
        const alice = await rawReady(broker().port, { user: 'alice', pass: 's3cret' });
        const lim = await rawReady(broker().port, { user: 'limited', pass: 'pw' });
        try {
          alice.write('SUB pub.> 1\r\nSUB other 2\r\nPING\r\n');
          await alice.readUntil('PONG\r\n');
          lim.write('PUB pub.ok 2\r\nok\r\nPUB pub.secret.x 1\r\na\r\nPUB other 1\r\nb\r\nPING\r\n');
          assert.equal(
            await lim.readUntil('PONG\r\n'),
            `-ERR 'Permissions Violation for Publish to "pub.secret.x"'\r\n` +
              `-ERR 'Permissions Violation for Publish to "other"'\r\nPONG\r\n`,
          );
          assert.equal(lim.isClosed(), false);
          alice.write('PING\r\n');
          assert.equal(await alice.readUntil('PONG\r\n'), 'MSG pub.ok 1 2\r\nok\r\nPONG\r\n');
        } finally {
          alice.close();
          lim.close();
        }
      });

      it('refuses subscriptions outside the allow list or inside the deny list and keeps the connection open', async () => {
        const lim = await rawReady(broker().port, { user: 'limited', pass: 'pw' });
        try {
          lim.write('SUB sub.fine 1\r\nSUB nope 2\r\nSUB nope q 3\r\nSUB sub.secret 4\r\nPING\r\n');
          assert.equal(
            await lim.readUntil('PONG\r\n'),
            `-ERR 'Permissions Violation for Subscription to "nope"'\r\n` +
              `-ERR 'Permissions Violation for Subscription to "nope" using queue "q"'\r\n` +
              `-ERR 'Permissions Violation for Subscription to "sub.secret"'\r\nPONG\r\n`,
          );
          assert.equal(lim.isClosed(), false);
        } finally {
          lim.close();
        }
      });

      it('does not deliver a denied subject to an allowed wildcard subscription', async () => {
        const alice = await rawReady(broker().port, { user: 'alice', pass: 's3cret' });
        const lim = await rawReady(broker().port, { user: 'limited', pass: 'pw' });
        try {
          lim.write('SUB sub.* 1\r\nPING\r\n');
          assert.equal(await lim.readUntil('PONG\r\n'), 'PONG\r\n');
          alice.write('PUB sub.secret 1\r\nS\r\nPUB sub.ok 1\r\nO\r\nPING\r\n');
          await alice.readUntil('PONG\r\n');
          lim.write('PING\r\n');
          assert.equal(await lim.readUntil('PONG\r\n'), 'MSG sub.ok 1 1\r\nO\r\nPONG\r\n');
        } finally {
          alice.close();
          lim.close();
        }
      });

      it('with allow_responses, allows one reply to a received request and nothing else outside the allow list', async () => {
        const alice = await rawReady(broker().port, { user: 'alice', pass: 's3cret' });
        const resp = await rawReady(broker().port, { user: 'responder', pass: 'pw' });
        try {
          resp.write('SUB svc.> 1\r\nPING\r\n');
          await resp.readUntil('PONG\r\n');
          alice.write('SUB _INBOX.conf 9\r\nPUB svc.echo _INBOX.conf 2\r\nhi\r\nPING\r\n');
          await alice.readUntil('PONG\r\n');
          assert.equal(await resp.readUntil('hi\r\n'), 'MSG svc.echo 1 _INBOX.conf 2\r\nhi\r\n');
          resp.write('PUB _INBOX.conf 2\r\nr1\r\nPUB _INBOX.conf 2\r\nr2\r\nPUB elsewhere 1\r\nx\r\nPUB log.x 1\r\nx\r\nPING\r\n');
          // allow_responses: true means one response per request (nats-server's default max 1).
          assert.equal(
            await resp.readUntil('PONG\r\n'),
            `-ERR 'Permissions Violation for Publish to "_INBOX.conf"'\r\n` +
              `-ERR 'Permissions Violation for Publish to "elsewhere"'\r\nPONG\r\n`,
          );
          alice.write('PING\r\n');
          assert.equal(await alice.readUntil('PONG\r\n'), 'MSG _INBOX.conf 9 2\r\nr1\r\nPONG\r\n');
        } finally {
          alice.close();
          resp.close();
        }
      });

      it('lets nats clients do request/reply through an allow_responses responder', async () => {
        const requester = await tcpClient(broker(), { user: 'alice', pass: 's3cret' });
        const responder = await tcpClient(broker(), { user: 'responder', pass: 'pw' });
        try {
          responder.subscribe('svc.upper', { callback: (_e, m) => m.respond(sc.encode(sc.decode(m.data).toUpperCase())) });
          await responder.flush();
          const reply = await requester.request('svc.upper', sc.encode('quiet'), { timeout: 1000 });
          assert.equal(sc.decode(reply.data), 'QUIET');
        } finally {
          await requester.close();
          await responder.close();
        }
      });
    });
  });
}
