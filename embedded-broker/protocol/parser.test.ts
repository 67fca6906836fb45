/**
 * The parser against raw byte fixtures. Every fixture is fed whole, split in two at every
 * possible point, and byte by byte; the sink must see the same calls each time, and the
 * parser must end stopped (or not) the same way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Op, Parser, type ParseFailure, type ParserSink } from './parser.ts';

/** What a test sink does when called; return a number from `line` to override its result. */
interface Script {
  authPending?: boolean;
  maxControlLine?: number;
  onLine?(op: Op, args: string, sink: RecordingSink): number | undefined;
  onPayload?(data: string, sink: RecordingSink): void;
  onBare?(op: Op, sink: RecordingSink): void;
}

/** A ParserSink that records every call as a readable string. */
class RecordingSink implements ParserSink {
  authPending: boolean;
  maxControlLine: number;
  readonly calls: string[] = [];
  parser!: Parser;
  private readonly script: Script;

  constructor(script: Script = {}) {
    this.script = script;
    this.authPending = script.authPending ?? false;
    this.maxControlLine = script.maxControlLine ?? 4096;
  }

  line(op: Op, args: Uint8Array): number {
    const text = Buffer.from(args).toString('latin1');
    this.calls.push(`line ${op} ${JSON.stringify(text)}`);
    const scripted = this.script.onLine?.(op, text, this);
    if (scripted !== undefined) return scripted;
    if (op === Op.CONNECT) this.authPending = false;
    if (op !== Op.PUB && op !== Op.HPUB) return 0;
    // The size is the last argument, for PUB and HPUB alike.
    const size = Number(text.trim().split(/[ \t]+/).at(-1));
    return Number.isInteger(size) ? size : -1;
  }

  payload(data: Uint8Array): void {
    const text = Buffer.from(data).toString('latin1');
    this.calls.push(`payload ${JSON.stringify(text)}`);
    this.script.onPayload?.(text, this);
  }

  bare(op: Op): void {
    this.calls.push(`bare ${op}`);
    this.script.onBare?.(op, this);
  }

  fail(reason: ParseFailure): void {
    this.calls.push(`fail ${reason}`);
  }
}

interface Outcome {
  calls: string[];
  stopped: boolean;
}

/**
 * Feeds `chunks` in order, scribbling over each once parse() returns, as a transport that
 * reuses its read buffer does; checks that once parse() returns false it keeps doing so.
 */
function feed(chunks: Uint8Array[], script?: Script): Outcome {
  const sink = new RecordingSink(script);
  const parser = new Parser(sink);
  sink.parser = parser;
  let stopped = false;
  for (const chunk of chunks) {
    const before = sink.calls.length;
    const more = parser.parse(chunk);
    chunk.fill(0x23);
    if (stopped) {
      assert.equal(more, false, 'parse() returned true after it had stopped');
      assert.equal(sink.calls.length, before, 'the sink was called after the parser had stopped');
    }
    if (!more) stopped = true;
  }
  return { calls: sink.calls, stopped };
}

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/**
 * The fixture whole, in two chunks at every split point, and one byte at a time; chunks
 * are Buffer views into one fresh Buffer, as the Node transport hands them over.
 */
function chunkings(fixture: string): [string, Uint8Array[]][] {
  const fresh = (): Buffer => Buffer.from(fixture, 'latin1');
  const out: [string, Uint8Array[]][] = [['whole', [fresh()]]];
  for (let k = 1; k < fixture.length; k++) {
    const b = fresh();
    out.push([`split at ${k}`, [b.subarray(0, k), b.subarray(k)]]);
  }
  const b = fresh();
  out.push(['byte by byte', Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1))]);
  return out;
}

/** Asserts the same outcome for every chunking of `fixture`. */
function expectEverySplit(fixture: string, expected: Outcome, script?: Script): void {
  for (const [how, chunks] of chunkings(fixture)) {
    assert.deepEqual(feed(chunks, script), expected, `fed ${how}: ${JSON.stringify(fixture)}`);
  }
}

type Case = [name: string, fixture: string, calls: string[], stopped?: boolean];

function table(cases: Case[], script?: Script): void {
  for (const [name, fixture, calls, stopped = false] of cases) {
    it(name, () => expectEverySplit(fixture, { calls, stopped }, script));
  }
}

describe('Parser: well-formed operations at every split point', () => {
  table([
    ['reads CONNECT with its JSON', 'CONNECT {"verbose":false,"name":"a b"}\r\n', ['line CONNECT "{\\"verbose\\":false,\\"name\\":\\"a b\\"}"']],
    ['reads CONNECT with no space before its argument', 'CONNECT{}\r\n', ['line CONNECT "{}"']],
    [
      'reads SUB and UNSUB with and without queue and max',
      'SUB foo 1\r\nSUB bar q 2\r\nUNSUB 1\r\nUNSUB 2 5\r\n',
      ['line SUB "foo 1"', 'line SUB "bar q 2"', 'line UNSUB "1"', 'line UNSUB "2 5"'],
    ],
    [
      'reads PUB with and without reply, then its payload',
      'PUB foo 5\r\nhello\r\nPUB foo reply 2\r\nhi\r\n',
      ['line PUB "foo 5"', 'payload "hello"', 'line PUB "foo reply 2"', 'payload "hi"'],
    ],
    [
      'reads HPUB and hands over headers and body as one payload',
      'HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nHPUB foo r 12 12\r\nNATS/1.0\r\n\r\n\r\n',
      ['line HPUB "foo 12 14"', 'payload "NATS/1.0\\r\\n\\r\\nhi"', 'line HPUB "foo r 12 12"', 'payload "NATS/1.0\\r\\n\\r\\n"'],
    ],
    [
      'delivers zero-length payloads',
      'PUB foo 0\r\n\r\nHPUB foo 0 0\r\n\r\nPING\r\n',
      ['line PUB "foo 0"', 'payload ""', 'line HPUB "foo 0 0"', 'payload ""', 'bare PING'],
    ],
    [
      'takes CRLFs inside a payload as payload bytes',
      'PUB a 6\r\n\r\nPUB\n\r\n',
      ['line PUB "a 6"', 'payload "\\r\\nPUB\\n"'],
    ],
    ['reads a payload larger than its chunk', `PUB big 300\r\n${'x'.repeat(300)}\r\n`, ['line PUB "big 300"', `payload "${'x'.repeat(300)}"`]],
    [
      'ignores anything between PING, PONG or +OK and the newline',
      'PING\r\nPONG\r\n+OK\r\nPING junk\r\nPONGx\n+OK  \r\nPING\t\r\r\n',
      ['bare PING', 'bare PONG', 'bare +OK', 'bare PING', 'bare PONG', 'bare +OK', 'bare PING'],
    ],
    [
      'accepts lines ending in LF alone',
      'SUB foo 1\nPUB foo 2\nhi\r\nPING\nCONNECT {}\n',
      ['line SUB "foo 1"', 'line PUB "foo 2"', 'payload "hi"', 'bare PING', 'line CONNECT "{}"'],
    ],
    [
      'reads operation names in any case',
      'sub foo 1\r\nPuB foo 1\r\nx\r\nhpub foo 0 1\r\ny\r\nconnect {}\r\npInG\r\nuNsUb 1\r\n+ok\r\npong\r\n',
      [
        'line SUB "foo 1"', 'line PUB "foo 1"', 'payload "x"', 'line HPUB "foo 0 1"', 'payload "y"',
        'line CONNECT "{}"', 'bare PING', 'line UNSUB "1"', 'bare +OK', 'bare PONG',
      ],
    ],
    [
      'skips spaces and tabs before the arguments but keeps those inside them',
      'SUB\tfoo  \t 1\r\nPUB\tfoo 1\r\nx\r\nPUB  \t foo 1\r\ny\r\n',
      ['line SUB "foo  \\t 1"', 'line PUB "foo 1"', 'payload "x"', 'line PUB "foo 1"', 'payload "y"'],
    ],
    ['passes subject bytes through unchanged', 'SUB f\xffo\x80 1\r\n', ['line SUB "f\xffo\x80 1"']],
    [
      'hands INFO and -ERR from a client to the handler',
      "INFO {}\r\n-ERR 'x'\r\n",
      ['line INFO "{}"', 'line -ERR "\'x\'"'],
    ],
    ['sends a bare CONNECT to line() with an empty argument', 'CONNECT\r\nPING\r\n', ['line CONNECT ""', 'bare PING']],
    ['waits for the rest of an operation cut short', 'SUB foo 1\r\nPUB foo 5\r\nhel', ['line SUB "foo 1"', 'line PUB "foo 5"']],
    ['waits for the CRLF after a complete payload', 'PUB foo 2\r\nhi', ['line PUB "foo 2"']],
    ['waits for the newline after PING', 'PING junk', []],
  ]);
});

describe('Parser: protocol violations at every split point', () => {
  table([
    ['fails PUB with no arguments as an unknown operation', 'PUB\r\n', ['fail unknown_op'], true],
    ['fails SUB glued to its argument', 'SUBfoo 1\r\n', ['fail unknown_op'], true],
    ['fails an unknown operation at its first bad byte, before any newline', 'SUB foo 1\r\nPUX', ['line SUB "foo 1"', 'fail unknown_op'], true],
    ['fails an unknown first byte', 'XPING\r\n', ['fail unknown_op'], true],
    ['fails a misspelt PING', 'PINX\r\n', ['fail unknown_op'], true],
    ['fails an empty line', '\r\nPING\r\n', ['fail unknown_op'], true],
    ['fails a space before the operation', ' PING\r\n', ['fail unknown_op'], true],
    ['fails MSG, which only servers send', 'MSG foo 1 1\r\nx\r\n', ['fail unknown_op'], true],
    [
      'fails a payload not followed by CR and does not deliver it',
      'PUB foo 2\r\nhiX\r\nPING\r\n',
      ['line PUB "foo 2"', 'fail unknown_op'],
      true,
    ],
    ['fails a payload followed by CR and not LF', 'PUB foo 2\r\nhi\rX', ['line PUB "foo 2"', 'fail unknown_op'], true],
    ['fails a payload ended by LF alone', 'PUB foo 2\nhi\nPING\n', ['line PUB "foo 2"', 'fail unknown_op'], true],
    ['fails a payload longer than announced', 'PUB foo 2\r\nhello\r\n', ['line PUB "foo 2"', 'fail unknown_op'], true],
    ['stops for good after a failure', 'XX\r\nPING\r\nSUB a 1\r\n', ['fail unknown_op'], true],
  ]);
});

describe('Parser: control line limit (arguments only) at every split point', () => {
  const limit8 = { maxControlLine: 8 };
  table(
    [
      ['accepts arguments of exactly the limit', 'SUB abc 1234\nPING\n', ['line SUB "abc 1234"', 'bare PING']],
      ['does not count the spaces before the arguments', 'SUB      abc 1234\n', ['line SUB "abc 1234"']],
      ['fails a complete line one byte over the limit', 'SUB abc 12345\r\nPING\r\n', ['fail max_control_line'], true],
      ['fails a partial line once it is over the limit', 'SUB abc 12345', ['fail max_control_line'], true],
      ['waits on a partial line at the limit', 'SUB abc 1234', []],
      ['fails an over-long CONNECT', 'CONNECT {"a":123}\r\n', ['fail max_control_line'], true],
      ['fails over-long PUB arguments without reading the payload', 'PUB abcdefg 1\r\nx\r\n', ['fail max_control_line'], true],
    ],
    limit8,
  );

  // nats-server drops the CR before it checks a partial line (parser.go, c.drop).
  it('accepts arguments of exactly the limit ended by CRLF wherever the chunk ends', () => {
    expectEverySplit('SUB abc 1234\r\nPING\r\n', { calls: ['line SUB "abc 1234"', 'bare PING'], stopped: false }, limit8);
  });
});

describe('Parser: authentication pending', () => {
  const pending = { authPending: true };
  table(
    [
      ['fails PING before CONNECT', 'PING\r\n', ['fail auth'], true],
      ['fails PUB before CONNECT even on the fast path', 'PUB foo 1\r\nx\r\n', ['fail auth'], true],
      ['fails lower-case ops before CONNECT', 'sub foo 1\r\n', ['fail auth'], true],
      ['fails +OK before CONNECT', '+OK\r\n', ['fail auth'], true],
      ['fails -ERR before CONNECT', "-ERR 'x'\r\n", ['fail auth'], true],
      ['fails INFO before CONNECT', 'INFO {}\r\n', ['fail auth'], true],
      ['accepts CONNECT, then any op once the handler clears the flag', 'CONNECT {}\r\nPING\r\nPUB a 1\r\nx\r\n', ['line CONNECT "{}"', 'bare PING', 'line PUB "a 1"', 'payload "x"']],
      ['accepts a lower-case connect', 'connect {}\r\nPING\r\n', ['line CONNECT "{}"', 'bare PING']],
      ['fails a C that does not spell CONNECT as an unknown op', 'CX\r\n', ['fail unknown_op'], true],
    ],
    pending,
  );

  it('keeps failing non-CONNECT ops while the handler leaves the flag set', () => {
    // A handler that rejects CONNECT's credentials without closing (it would close; this
    // proves the parser reads the flag afresh for each operation).
    const script: Script = { authPending: true, onLine: () => 0 };
    expectEverySplit('CONNECT {}\r\nPING\r\n', { calls: ['line CONNECT "{}"', 'fail auth'], stopped: true }, script);
  });
});

describe('Parser: the handler stopping it', () => {
  it('stops for good when line() returns a negative number', () => {
    const script: Script = { onLine: (op) => (op === Op.SUB ? -1 : undefined) };
    expectEverySplit('SUB foo 1\r\nPING\r\n', { calls: ['line SUB "foo 1"'], stopped: true }, script);
  });

  it('reads no payload when line() refuses a PUB', () => {
    const script: Script = { onLine: () => -1 };
    expectEverySplit('PUB foo 2\r\nhi\r\nPING\r\n', { calls: ['line PUB "foo 2"'], stopped: true }, script);
  });

  it('stops when the handler kills it from line() and returns 0', () => {
    const script: Script = { onLine: (_op, _args, sink) => (sink.parser.kill(), 0) };
    expectEverySplit('SUB foo 1\r\nPING\r\n', { calls: ['line SUB "foo 1"'], stopped: true }, script);
  });

  it('stops when the handler kills it from payload()', () => {
    const script: Script = { onPayload: (_data, sink) => sink.parser.kill() };
    expectEverySplit('PUB foo 2\r\nhi\r\nPING\r\n', { calls: ['line PUB "foo 2"', 'payload "hi"'], stopped: true }, script);
  });

  it('stops when the handler kills it from bare()', () => {
    const script: Script = { onBare: (_op, sink) => sink.parser.kill() };
    expectEverySplit('PING\r\nPING\r\n', { calls: ['bare PING'], stopped: true }, script);
  });

  it('ignores everything after kill() from outside', () => {
    const sink = new RecordingSink();
    const parser = new Parser(sink);
    assert.equal(parser.parse(bytes('PING\r\nSUB a')), true);
    parser.kill();
    assert.equal(parser.parse(bytes(' 1\r\nPING\r\n')), false);
    assert.deepEqual(sink.calls, ['bare PING']);
  });
});

describe('Parser: chunk ownership', () => {
  // Buffer#slice is a view where Uint8Array#slice is a copy: both kinds must be copied.
  for (const [kind, make] of [['Buffer', (s: string) => Buffer.from(s, 'latin1')], ['Uint8Array', bytes]] as const) {
    it(`copies a partial line held from a ${kind}, so a transport may reuse its read buffer`, () => {
      const sink = new RecordingSink();
      const parser = new Parser(sink);
      const buf = make('SUB foo 1');
      parser.parse(buf);
      buf.fill(0x7a); // the transport reads the next bytes into the same buffer
      parser.parse(make('2\r\n'));
      assert.deepEqual(sink.calls, ['line SUB "foo 12"']);
    });

    it(`copies a partial payload held from a ${kind}, so a transport may reuse its read buffer`, () => {
      const sink = new RecordingSink();
      const parser = new Parser(sink);
      const buf = make('PUB foo 4\r\nab');
      parser.parse(buf);
      buf.fill(0x7a);
      parser.parse(make('cd\r\n'));
      assert.deepEqual(sink.calls, ['line PUB "foo 4"', 'payload "abcd"']);
    });
  }

  it('fails at the bad byte itself: earlier bytes of the chunk are handled first', () => {
    const sink = new RecordingSink();
    const parser = new Parser(sink);
    assert.equal(parser.parse(bytes('PU')), true);
    assert.deepEqual(sink.calls, []);
    assert.equal(parser.parse(bytes('X')), false);
    assert.deepEqual(sink.calls, ['fail unknown_op']);
  });
});
