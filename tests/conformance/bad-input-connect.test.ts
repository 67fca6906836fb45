/**
 * Bad or unusual CONNECT handling and operations sent before CONNECT, with and without
 * authorization configured, on a raw TCP socket. Expected bytes were probed from
 * nats-server 2.9.10 (.tmp/nats-bad-input.md); after each case a bystander must still work.
 */
import { after, before, describe, it } from 'node:test';
import { conf, start, targets, type Running } from './targets.ts';
import { bystander, runRawCase, type Bystander, type RawCase } from './raw-case.ts';

const AUTH = "-ERR 'Authorization Violation'\r\n";
const x = (n: number) => 'x'.repeat(n);

// A CONNECT whose JSON does not decode into the options struct closes without -ERR
// (client.go processConnect returns the json error to the read loop).
const silent = (name: string, line: string): RawCase => ({
  name: `closes silently on ${name}`, connect: false, send: `${line}\r\nPING\r\n`, reply: '', closes: true,
});

const open: RawCase[] = [
  silent('CONNECT with malformed JSON', 'CONNECT {bad'),
  silent('CONNECT with no arguments', 'CONNECT'),
  silent('CONNECT with only a space', 'CONNECT '),
  silent('CONNECT with a JSON array', 'CONNECT []'),
  silent('CONNECT with text after the JSON', 'CONNECT {} x'),
  silent('CONNECT with a wrongly typed field', 'CONNECT {"verbose":"yes"}'),
  // Go's json.Unmarshal of null into a struct is a no-op, so the defaults stay.
  { name: 'treats CONNECT null as no options (verbose by default)', connect: false, send: 'CONNECT null\r\nPING\r\n', reply: '+OK\r\nPONG\r\n', closes: false },
  { name: 'is verbose by default after CONNECT {}', connect: false, send: 'CONNECT {}\r\nPING\r\n', reply: '+OK\r\nPONG\r\n', closes: false },
  { name: 'ignores unknown CONNECT fields', connect: false, send: 'CONNECT {"verbose":false,"zzz":1,"nested":{"a":[1]}}\r\nPING\r\n', reply: 'PONG\r\n', closes: false },
  {
    name: 'rejects an unknown client protocol version and closes',
    connect: false, send: 'CONNECT {"protocol":5}\r\nPING\r\n', reply: "-ERR 'invalid client protocol'\r\n", closes: true,
  },
  {
    name: 'applies a second CONNECT over the first',
    send: 'CONNECT {"verbose":true}\r\nPING\r\nCONNECT {"verbose":false}\r\nPING\r\n', reply: '+OK\r\nPONG\r\nPONG\r\n', closes: false,
  },
  {
    name: 'rejects an over-long CONNECT line',
    connect: false, send: `CONNECT {"name":"${x(5000)}"}\r\n`, reply: "-ERR 'maximum control line exceeded'\r\n", closes: true,
  },
  // Before CONNECT a client has nats-server's default options: verbose and pedantic on.
  {
    name: 'accepts a PUB before CONNECT with the default verbose +OK',
    connect: false, send: 'PUB early 2\r\nhi\r\nPING\r\n', reply: '+OK\r\nPONG\r\n', closes: false, delivered: 'MSG early 1 2\r\nhi\r\n',
  },
  {
    name: 'is pedantic before CONNECT',
    connect: false, send: 'PUB early.* 2\r\nhi\r\nPING\r\n', reply: "-ERR 'Invalid Publish Subject'\r\n+OK\r\nPONG\r\n", closes: false,
    delivered: 'MSG early.* 1 2\r\nhi\r\n',
  },
  { name: 'accepts a SUB before CONNECT', connect: false, send: 'SUB early 1\r\nPING\r\n', reply: '+OK\r\nPONG\r\n', closes: false },
  { name: 'answers a PING before CONNECT without +OK', connect: false, send: 'PING\r\n', reply: 'PONG\r\n', closes: false },
];

const authOpts = { user: 'a', pass: 'b' };
const violation = (name: string, send: string, connect: RawCase['connect'] = false): RawCase => ({
  name: `rejects ${name} with an authorization violation and closes`, connect, send, reply: AUTH, closes: true,
});
const guarded: RawCase[] = [
  violation('a PING before CONNECT', 'PING\r\n'),
  violation('a PUB before CONNECT', 'PUB foo 2\r\nhi\r\n'),
  violation('a SUB before CONNECT', 'SUB foo 1\r\n'),
  violation('an unknown operation before CONNECT', 'FOO\r\n'),
  violation('a CONNECT without credentials', 'CONNECT {}\r\nPING\r\n'),
  violation('a CONNECT with a wrong password', 'CONNECT {"user":"a","pass":"x"}\r\nPING\r\n'),
  violation('a second CONNECT with a wrong password', 'CONNECT {"user":"a","pass":"x"}\r\nPING\r\n', authOpts),
  silent('a malformed CONNECT when authorization is required', 'CONNECT {'),
  silent('CONNECT with no arguments when authorization is required', 'CONNECT'),
  {
    name: 'accepts a CONNECT with the right credentials',
    connect: false, send: 'CONNECT {"user":"a","pass":"b","verbose":false}\r\nPING\r\n', reply: 'PONG\r\n', closes: false,
  },
  {
    name: 'closes a connection that sends no CONNECT within the authorization timeout',
    connect: false, send: [], reply: "-ERR 'Authentication Timeout'\r\n", closes: true, closeWithinMs: 1500,
  },
];

const suites = [
  { title: 'bad CONNECT and operations before CONNECT', body: '', opts: {}, cases: open },
  { title: 'operations before CONNECT when authorization is required', body: 'authorization { user: a, password: b, timeout: 0.5 }', opts: authOpts, cases: guarded },
];

for (const target of targets()) {
  for (const suite of suites) {
    describe(`${target.name}: ${suite.title}`, { skip: target.skip }, () => {
      let broker: Running;
      let other: Bystander;
      before(async () => {
        broker = await start(target, conf(suite.body));
        other = await bystander(broker.port, suite.opts);
      });
      after(async () => {
        other?.close();
        await broker?.stop();
      });
      for (const rc of suite.cases) {
        it(rc.name, async () => {
          await runRawCase(broker.port, rc);
          await other.check(rc.delivered);
        });
      }
    });
  }
}
