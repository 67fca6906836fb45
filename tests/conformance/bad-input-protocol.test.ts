/**
 * Malformed core-protocol input on a raw TCP socket: unknown operations, missing or extra
 * arguments, bad numbers, wrong payload byte counts, and over-long control lines and
 * payloads. Expected bytes were probed from nats-server 2.9.10 (see the table in
 * .tmp/nats-bad-input.md); after each case a bystander client must still work.
 */
import { after, before, describe, it } from 'node:test';
import { conf, start, targets, type Running } from './targets.ts';
import { bystander, runRawCase, type Bystander, type RawCase } from './raw-case.ts';

const UNKNOWN = "-ERR 'Unknown Protocol Operation'\r\n";
const MAX_CONTROL = "-ERR 'maximum control line exceeded'\r\n";
const MAX_PAYLOAD = "-ERR 'Maximum Payload Violation'\r\n";
const x = (n: number) => 'x'.repeat(n);

// nats-server closes without a word when a PUB/SUB/UNSUB/HPUB argument list does not parse
// (client.go processPub etc. return an error; only parser.go's parseErr sends -ERR).
const silent = (name: string, send: string, extra: Partial<RawCase> = {}): RawCase => ({
  name: `closes silently on ${name}`, send, reply: '', closes: true, ...extra,
});
const unknown = (name: string, send: string | Buffer, extra: Partial<RawCase> = {}): RawCase => ({
  name: `rejects ${name} as an unknown operation and closes`, send, reply: UNKNOWN, closes: true, ...extra,
});

const cases: RawCase[] = [
  unknown('a line of garbage before CONNECT', 'hello world\r\n', { connect: false }),
  unknown('a line of garbage', 'hello world\r\n'),
  unknown('a line of garbage with verbose on (no +OK first)', 'hello world\r\n', { connect: { verbose: true } }),
  unknown('binary junk', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x0d, 0x0a])),
  unknown('binary junk before CONNECT', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x0d, 0x0a]), { connect: false }),
  unknown('FOO bar', 'FOO bar\r\n'),
  unknown('FOO bar before CONNECT', 'FOO bar\r\n', { connect: false }),
  unknown('an empty line', '\r\n'),
  unknown('an empty line before CONNECT', '\r\n', { connect: false }),
  unknown('a line of only spaces', '   \r\n'),
  unknown('MSG sent by a client', 'MSG foo 1 2\r\nhi\r\n'),
  unknown('a CR inside an operation name', 'PI\rNG\r\n'),
  unknown('PUB with no space or arguments', 'PUB\r\n'),
  unknown('SUB with no space or arguments', 'SUB\r\n'),
  unknown('UNSUB with no space or arguments', 'UNSUB\r\n'),
  { name: 'answers a PING and then rejects the garbage line after it', send: 'PING\r\nX\r\n', reply: `PONG\r\n${UNKNOWN}`, closes: true },
  silent('PUB with a space and no arguments', 'PUB \r\n'),
  silent('PUB with a subject and no size', 'PUB foo\r\n'),
  silent('PUB with a subject and no size, verbose on', 'PUB foo\r\n', { connect: { verbose: true } }),
  silent('SUB with a subject and no sid', 'SUB foo\r\n'),
  silent('PUB with too many arguments', 'PUB foo bar baz 2\r\nhi\r\n'),
  silent('SUB with too many arguments', 'SUB foo q 1 x\r\n'),
  silent('UNSUB with too many arguments', 'UNSUB 1 2 3\r\n'),
  silent('a non-numeric PUB size', 'PUB foo abc\r\n'),
  silent('a non-numeric PUB size with verbose on', 'PUB foo abc\r\n', { connect: { verbose: true } }),
  silent('a non-numeric PUB size after a reply subject', 'PUB foo bar abc\r\n'),
  silent('a negative PUB size', 'PUB foo -1\r\n'),
  silent('a PUB size with a plus sign', 'PUB foo +2\r\n'),
  silent('a PUB size that overflows 64 bits', 'PUB foo 99999999999999999999\r\n'),
  silent('a PUB size of 2^63', 'PUB foo 9223372036854775808\r\n'),
  { name: 'accepts a PUB whose payload arrives later (fewer bytes than announced so far)', send: 'PUB foo 5\r\nhi\r\n', reply: '', closes: false },
  unknown('a payload longer than announced', 'PUB foo 2\r\nhello\r\n'),
  unknown('a payload longer than announced with verbose on', 'PUB foo 2\r\nhello\r\n', { connect: { verbose: true } }),
  unknown('a payload shorter than announced followed by more input', 'PUB foo 5\r\nhi\r\nPING\r\n'),
  unknown('a payload not followed by CRLF', 'PUB foo 2\r\nhiPING\r\n'),
  unknown('a payload followed by CR only', 'PUB foo 2\r\nhi\rPING\r\n'),
  unknown('a payload followed by LF only', 'PUB foo 2\r\nhi\nPING\r\n'),
  {
    name: 'accepts a control line of exactly max_control_line bytes after the operation',
    send: `PUB ${x(4094)} 2\r\nhi\r\nPING\r\n`, reply: 'PONG\r\n', closes: false,
    delivered: `MSG ${x(4094)} 1 2\r\nhi\r\n`,
  },
  { name: 'rejects a PUB control line one byte over max_control_line', send: `PUB ${x(4095)} 2\r\nhi\r\n`, reply: MAX_CONTROL, closes: true },
  { name: 'rejects an over-long PUB control line before CONNECT', connect: false, send: `PUB ${x(5000)} 2\r\nhi\r\n`, reply: MAX_CONTROL, closes: true },
  { name: 'rejects an over-long PUB control line that has no CRLF yet', send: `PUB ${x(5000)}`, reply: MAX_CONTROL, closes: true },
  { name: 'rejects an over-long PUB control line split over two writes', send: [`PUB ${x(3000)}`, x(3000)], reply: MAX_CONTROL, closes: true },
  { name: 'rejects an over-long SUB control line', send: `SUB ${x(5000)} 1\r\n`, reply: MAX_CONTROL, closes: true },
  unknown('an over-long unknown operation with CRLF (fails on the name first)', `FOO ${x(5000)}\r\n`),
  unknown('an over-long unknown operation without CRLF', `FOO ${x(5000)}`),
  { name: 'ignores arguments after PING however long', send: `PING${' '.repeat(5000)}\r\nPINGX\r\nPING foo\r\n`, reply: 'PONG\r\nPONG\r\nPONG\r\n', closes: false },
  { name: 'rejects a PUB size over max_payload from the control line alone', send: 'PUB foo 1048577\r\n', reply: MAX_PAYLOAD, closes: true },
  { name: 'rejects a PUB size over max_payload before CONNECT', connect: false, send: 'PUB foo 1048577\r\n', reply: MAX_PAYLOAD, closes: true },
  { name: 'rejects an HPUB total size over max_payload', send: 'HPUB foo 12 1048577\r\n', reply: MAX_PAYLOAD, closes: true },
  {
    name: 'accepts a payload of exactly max_payload',
    send: `PUB big 1048576\r\n${x(1048576)}\r\nPING\r\n`, reply: 'PONG\r\n', closes: false,
    delivered: `MSG big 1 1048576\r\n${x(1048576)}\r\n`,
  },
  {
    name: 'echoes the PUB size token verbatim in MSG (leading zero kept)',
    send: 'PUB foo 02\r\nhi\r\nPING\r\n', reply: 'PONG\r\n', closes: false, delivered: 'MSG foo 1 02\r\nhi\r\n',
  },
  {
    name: 'accepts tabs and repeated spaces between arguments',
    send: 'PUB\tfoo\t2\r\nhi\r\nPUB  foo   2 \r\nhi\r\nPING\r\n', reply: 'PONG\r\n', closes: false,
    delivered: 'MSG foo 1 2\r\nhi\r\nMSG foo 1 2\r\nhi\r\n',
  },
  { name: 'ignores INFO, +OK and PONG sent by a client', send: 'INFO {}\r\n+OK\r\nPONG\r\nPING\r\n', reply: 'PONG\r\n', closes: false },
  silent('-ERR sent by a client', "-ERR 'x'\r\n"),
];

for (const target of targets()) {
  describe(`${target.name}: bad protocol input`, { skip: target.skip }, () => {
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
    for (const rc of cases) {
      it(rc.name, async () => {
        await runRawCase(broker.port, rc);
        await other.check(rc.delivered);
      });
    }
  });
}
