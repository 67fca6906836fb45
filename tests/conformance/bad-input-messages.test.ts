/**
 * Questionable but well-framed messages on a raw TCP socket: HPUB header blocks the broker
 * does not validate, odd sids, invalid subjects with and without pedantic mode, LF-only
 * line endings and lower-case operations. Expected bytes were probed from nats-server
 * 2.9.10 (.tmp/nats-bad-input.md); after each case a bystander client must still work.
 */
import { after, before, describe, it } from 'node:test';
import { conf, start, targets, type Running } from './targets.ts';
import { bystander, runRawCase, type Bystander, type RawCase } from './raw-case.ts';

const UNKNOWN = "-ERR 'Unknown Protocol Operation'\r\n";
const BAD_PUB_SUBJECT = "-ERR 'Invalid Publish Subject'\r\n";
const BAD_SUBJECT = "-ERR 'Invalid Subject'\r\n";

const hpub: RawCase[] = [
  // client.go processHeaderPub returns an error for these, which closes without -ERR.
  { name: 'closes silently on an HPUB header size larger than the total size', send: 'HPUB foo 20 10\r\nNATS/1.0\r\n\r\n\r\n', reply: '', closes: true },
  { name: 'closes silently on an HPUB without a total size', send: 'HPUB foo 12\r\n', reply: '', closes: true },
  { name: 'closes silently on a non-numeric HPUB header size', send: 'HPUB foo x 12\r\n', reply: '', closes: true },
  { name: 'closes silently on a negative HPUB header size', send: 'HPUB foo -1 2\r\n', reply: '', closes: true },
  { name: 'closes silently on an HPUB with too many arguments', send: 'HPUB foo a b 1 2\r\n', reply: '', closes: true },
  {
    name: 'closes silently on an HPUB from a client that did not set headers:true',
    connect: { headers: false }, send: 'HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n', reply: '', closes: true,
  },
  { name: 'closes silently on an HPUB before CONNECT', connect: false, send: 'HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n', reply: '', closes: true },
  // The header block is passed through unparsed; nats-server does not check NATS/1.0.
  {
    name: 'delivers an HPUB whose header block does not start with NATS/1.0 verbatim',
    send: 'HPUB foo 12 14\r\nXXXX/1.0\r\n\r\nhi\r\nPING\r\n', reply: 'PONG\r\n', closes: false,
    delivered: 'HMSG foo 1 12 14\r\nXXXX/1.0\r\n\r\nhi\r\n',
  },
  {
    name: 'delivers an HPUB whose header block lacks the final blank line verbatim',
    send: 'HPUB foo 10 12\r\nNATS/1.0\r\nhi\r\nPING\r\n', reply: 'PONG\r\n', closes: false,
    delivered: 'HMSG foo 1 10 12\r\nNATS/1.0\r\nhi\r\n',
  },
  {
    name: 'delivers a non-NATS header block verbatim even in pedantic mode',
    connect: { pedantic: true }, send: 'HPUB foo 5 7\r\nabc\r\nhi\r\nPING\r\n', reply: 'PONG\r\n', closes: false,
    delivered: 'HMSG foo 1 5 7\r\nabc\r\nhi\r\n',
  },
  {
    name: 'delivers an HPUB with a zero header size as a plain MSG',
    send: 'HPUB foo 0 2\r\nhi\r\nPING\r\n', reply: 'PONG\r\n', closes: false, delivered: 'MSG foo 1 2\r\nhi\r\n',
  },
];

const sids: RawCase[] = [
  { name: 'ignores an UNSUB of an unknown sid', send: 'UNSUB 99\r\nPING\r\n', reply: 'PONG\r\n', closes: false },
  { name: 'acknowledges an UNSUB of an unknown sid when verbose', connect: { verbose: true }, send: 'UNSUB 99\r\nPING\r\n', reply: '+OK\r\nPONG\r\n', closes: false },
  { name: 'ignores an UNSUB whose max is not a number', send: 'UNSUB 99 x\r\nPING\r\n', reply: 'PONG\r\n', closes: false },
  {
    // parseSize("x") is -1 and a max <= 0 means "now" (client.go processUnsub).
    name: 'unsubscribes at once when the UNSUB max is not a number',
    send: 'SUB a 7\r\nUNSUB 7 x\r\nPUB a 1\r\nA\r\nPING\r\n', reply: 'PONG\r\n', closes: false, delivered: 'MSG a 1 1\r\nA\r\n',
  },
  {
    name: 'unsubscribes at once when the UNSUB max is zero',
    send: 'SUB a 7\r\nUNSUB 7 0\r\nPUB a 1\r\nA\r\nPING\r\n', reply: 'PONG\r\n', closes: false, delivered: 'MSG a 1 1\r\nA\r\n',
  },
  {
    name: 'accepts a non-numeric sid',
    send: 'SUB a x\r\nPUB a 1\r\nA\r\nPING\r\n', reply: 'MSG a x 1\r\nA\r\nPONG\r\n', closes: false, delivered: 'MSG a 1 1\r\nA\r\n',
  },
  {
    // client.go processSubEx keeps the first subscription when the sid is taken.
    name: 'ignores a SUB that reuses a sid, keeping the first subscription',
    send: 'SUB a 1\r\nSUB b 1\r\nPUB a 1\r\nA\r\nPUB b 1\r\nB\r\nUNSUB 1\r\nPUB a 1\r\nC\r\nPING\r\n',
    reply: 'MSG a 1 1\r\nA\r\nPONG\r\n', closes: false,
    delivered: 'MSG a 1 1\r\nA\r\nMSG b 1 1\r\nB\r\nMSG a 1 1\r\nC\r\n',
  },
  {
    name: 'acknowledges both SUBs of a reused sid when verbose',
    connect: { verbose: true }, send: 'SUB a 1\r\nSUB b 1\r\nPING\r\n', reply: '+OK\r\n+OK\r\nPONG\r\n', closes: false,
  },
];

const subjects: RawCase[] = [
  ...['foo..bar', '.foo', 'foo.'].map((s): RawCase => ({
    name: `drops a PUB to the invalid subject "${s}" without a word when not pedantic`,
    send: `PUB ${s} 2\r\nhi\r\nPING\r\n`, reply: 'PONG\r\n', closes: false,
  })),
  {
    name: 'acknowledges a PUB to an invalid subject when verbose and not pedantic',
    connect: { verbose: true }, send: 'PUB foo..bar 2\r\nhi\r\nPING\r\n', reply: '+OK\r\nPONG\r\n', closes: false,
  },
  {
    name: 'rejects a PUB to an invalid subject in pedantic mode and keeps the connection',
    connect: { pedantic: true }, send: 'PUB foo..bar 2\r\nhi\r\nPING\r\n', reply: `${BAD_PUB_SUBJECT}PONG\r\n`, closes: false,
  },
  {
    name: 'delivers a PUB to a wildcard subject when not pedantic',
    send: 'PUB foo.* 2\r\nhi\r\nPUB foo.> 2\r\nhi\r\nPING\r\n', reply: 'PONG\r\n', closes: false,
    delivered: 'MSG foo.* 1 2\r\nhi\r\nMSG foo.> 1 2\r\nhi\r\n',
  },
  {
    // Pedantic mode only complains: client.go processPub sends the error and goes on.
    name: 'complains about a PUB to a wildcard subject in pedantic mode yet still delivers it',
    connect: { pedantic: true }, send: 'PUB foo.* 2\r\nhi\r\nPING\r\n', reply: `${BAD_PUB_SUBJECT}PONG\r\n`, closes: false,
    delivered: 'MSG foo.* 1 2\r\nhi\r\n',
  },
  {
    name: 'sends the pedantic subject error before +OK when verbose too',
    connect: { pedantic: true, verbose: true }, send: 'PUB foo.* 2\r\nhi\r\nPING\r\n',
    reply: `${BAD_PUB_SUBJECT}+OK\r\nPONG\r\n`, closes: false, delivered: 'MSG foo.* 1 2\r\nhi\r\n',
  },
  {
    name: 'rejects a SUB to an invalid subject and keeps the connection',
    send: 'SUB foo..bar 1\r\nSUB .foo 2\r\nSUB foo.>.bar 3\r\nPING\r\n', reply: `${BAD_SUBJECT}${BAD_SUBJECT}${BAD_SUBJECT}PONG\r\n`, closes: false,
  },
  {
    name: 'rejects a SUB to an invalid subject without +OK when verbose',
    connect: { verbose: true }, send: 'SUB foo..bar 1\r\nPING\r\n', reply: `${BAD_SUBJECT}PONG\r\n`, closes: false,
  },
  {
    name: 'accepts wildcard characters inside a token and any queue name',
    connect: { pedantic: true }, send: 'SUB foo* 3\r\nSUB foo> 4\r\nSUB foo q.* 5\r\nSUB foo q.. 6\r\nPING\r\n', reply: 'PONG\r\n', closes: false,
  },
  {
    name: 'delivers a subject with a control character when not pedantic',
    send: 'PUB fo\x01o 2\r\nhi\r\nPING\r\n', reply: 'PONG\r\n', closes: false, delivered: 'MSG fo\x01o 1 2\r\nhi\r\n',
  },
];

const framing: RawCase[] = [
  { name: 'accepts a control line ending in LF alone before CONNECT', connect: false, send: 'PING\n', reply: 'PONG\r\n', closes: false },
  {
    name: 'accepts control lines ending in LF alone',
    send: 'SUB foo 1\nPUB foo 2\nhi\r\nPING\n', reply: 'MSG foo 1 2\r\nhi\r\nPONG\r\n', closes: false, delivered: 'MSG foo 1 2\r\nhi\r\n',
  },
  { name: 'rejects a payload ending in LF alone', send: 'PUB foo 2\nhi\nPING\n', reply: UNKNOWN, closes: true },
  {
    name: 'accepts operations in lower and mixed case',
    send: 'sub lc 9\r\npub lc 2\r\nhi\r\nPuB lc 2\r\nho\r\nUnSuB 9\r\npub lc 2\r\nno\r\nhpub lc 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPiNg\r\n',
    reply: 'MSG lc 9 2\r\nhi\r\nMSG lc 9 2\r\nho\r\nPONG\r\n', closes: false,
    delivered: 'MSG lc 1 2\r\nhi\r\nMSG lc 1 2\r\nho\r\nMSG lc 1 2\r\nno\r\nHMSG lc 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n',
  },
  {
    name: 'accepts a lower-case connect',
    connect: false, send: 'connect {"verbose":false}\r\nping\r\n', reply: 'PONG\r\n', closes: false,
  },
  {
    name: 'waits for the LF after a PING and its CR',
    send: ['PING\r', 'X'], reply: '', closes: false,
  },
];

for (const target of targets()) {
  describe(`${target.name}: questionable messages`, { skip: target.skip }, () => {
    let broker: Running;
    let other: Bystander;
    before(async () => {
      broker = await start(target, conf());
      other = await bystander(broker.port);
    });
    after(async () => {
      other?.close();
      await broker?.stop();
    });
    for (const [group, list] of [['HPUB', hpub], ['sids', sids], ['subjects', subjects], ['framing', framing]] as const) {
      describe(group, () => {
        for (const rc of list) {
          it(rc.name, async () => {
            await runRawCase(broker.port, rc);
            await other.check(rc.delivered);
          });
        }
      });
    }
  });
}
