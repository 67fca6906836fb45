/**
 * The client protocol parser: a byte-level state machine that turns a stream of bytes,
 * split at any point across reads or WebSocket frames, into protocol operations.
 *
 * It follows nats-server's parser (server/parser.go) in what it accepts and when it fails:
 * an unexpected byte where an operation name is expected is `Unknown Protocol Operation`
 * at once (before any newline), operation names are case-insensitive, a line may end in
 * `\n` alone, and the control-line limit counts the arguments only.
 */

import { copyBytes } from './bytes.ts';

/** Operations a client can send. */
export const Op = {
  CONNECT: 'CONNECT',
  PUB: 'PUB',
  HPUB: 'HPUB',
  SUB: 'SUB',
  UNSUB: 'UNSUB',
  PING: 'PING',
  PONG: 'PONG',
  INFO: 'INFO',
  OK: '+OK',
  ERR: '-ERR',
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** Why parsing stopped; the protocol handler decides what to send and whether to close. */
export type ParseFailure = 'unknown_op' | 'auth' | 'max_control_line';

/** The protocol handler the parser drives. */
export interface ParserSink {
  /** True until CONNECT when authentication is required: any other op is a violation. */
  readonly authPending: boolean;
  readonly maxControlLine: number;
  /**
   * A control line with arguments (CONNECT, SUB, UNSUB, INFO, -ERR), or the arguments
   * of PUB/HPUB. For PUB/HPUB returns the number of payload bytes to read next; for the
   * others 0. A negative result stops the parser (the handler has closed the connection).
   */
  line(op: Op, args: Uint8Array): number;
  /** A PUB/HPUB payload (headers included), without its trailing CRLF. */
  payload(data: Uint8Array): void;
  /** PING, PONG or +OK. */
  bare(op: Op): void;
  fail(reason: ParseFailure): void;
}

const State = { OP: 0, OP_AFTER: 1, SPACES: 2, ARG: 3, BARE: 4, PAYLOAD: 5, END_R: 6, END_N: 7, DEAD: 8 } as const;
type State = (typeof State)[keyof typeof State];

const OPS_WITH_ARGS: ReadonlySet<string> = new Set([Op.CONNECT, Op.PUB, Op.HPUB, Op.SUB, Op.UNSUB, Op.INFO, Op.ERR]);
const ALL_OPS: readonly string[] = Object.values(Op);
const CR = 13;
const LF = 10;
const SP = 32;
const TAB = 9;

function isPrefixOfOp(prefix: string): boolean {
  for (const op of ALL_OPS) if (op.startsWith(prefix)) return true;
  return false;
}

/** Parses one connection's inbound bytes. Feed it every chunk in order. */
export class Parser {
  private state: State = State.OP;
  private op = '';
  /** Holds an argument line or payload split across chunks. */
  private held: Uint8Array[] = [];
  private heldLen = 0;
  private need = 0;
  private body?: Uint8Array;

  private readonly sink: ParserSink;

  constructor(sink: ParserSink) {
    this.sink = sink;
  }

  /** Parses `buf`; returns false once parsing has stopped for good. */
  parse(buf: Uint8Array): boolean {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      switch (this.state) {
        case State.OP: {
          const b = buf[i]!;
          // Fast path for the op that carries nearly all traffic: "PUB " in any case.
          if (
            this.op === '' &&
            (b | 0x20) === 0x70 &&
            i + 3 < n &&
            (buf[i + 1]! | 0x20) === 0x75 &&
            (buf[i + 2]! | 0x20) === 0x62 &&
            (buf[i + 3] === SP || buf[i + 3] === TAB) &&
            !this.sink.authPending
          ) {
            this.op = Op.PUB;
            this.state = State.SPACES;
            i += 4;
            break;
          }
          if (this.op === '' && this.sink.authPending && b !== 0x43 && b !== 0x63) return this.stop('auth');
          const next = this.op + String.fromCharCode(b >= 0x61 && b <= 0x7a ? b - 32 : b);
          if (!isPrefixOfOp(next)) return this.stop('unknown_op');
          this.op = next;
          if (ALL_OPS.includes(next)) this.state = OPS_WITH_ARGS.has(next) ? State.OP_AFTER : State.BARE;
          i++;
          break;
        }
        case State.OP_AFTER: {
          const b = buf[i]!;
          if (b === SP || b === TAB) i++;
          // nats-server's OP_CONNECT takes any byte as the start of its argument, so a bare
          // "CONNECT\r\n" is a bad argument (silent close), not an unknown operation.
          else if (this.op !== Op.CONNECT) return this.stop('unknown_op');
          this.state = State.SPACES;
          break;
        }
        case State.SPACES: {
          const b = buf[i]!;
          if (b === SP || b === TAB) i++;
          else this.state = State.ARG;
          break;
        }
        case State.ARG: {
          const nl = indexOf(buf, LF, i);
          if (nl < 0) {
            this.hold(buf.subarray(i));
            // A CR that ends the chunk belongs to the line ending, not to the arguments.
            const argLen = this.heldLen - (buf[n - 1] === CR ? 1 : 0);
            if (argLen > this.sink.maxControlLine) return this.stop('max_control_line');
            return true;
          }
          let end = nl;
          let arg = buf.subarray(i, end);
          if (this.heldLen > 0) arg = this.takeHeld(arg);
          if (arg.length > 0 && arg[arg.length - 1] === CR) arg = arg.subarray(0, arg.length - 1);
          i = nl + 1;
          if (arg.length > this.sink.maxControlLine) return this.stop('max_control_line');
          const op = this.op as Op;
          const size = this.sink.line(op, arg);
          if (size < 0) return this.dead();
          // line() may have closed the connection, which kills the parser.
          if ((this.state as State) === State.DEAD) return false;
          this.op = '';
          if (op === Op.PUB || op === Op.HPUB) {
            this.need = size;
            this.state = State.PAYLOAD;
          } else {
            this.state = State.OP;
          }
          break;
        }
        case State.BARE: {
          // nats-server ignores whatever follows PING/PONG/+OK up to the newline.
          const nl = indexOf(buf, LF, i);
          if (nl < 0) return true;
          i = nl + 1;
          const op = this.op as Op;
          this.op = '';
          this.state = State.OP;
          this.sink.bare(op);
          if (this.state !== State.OP) return false;
          break;
        }
        case State.PAYLOAD: {
          const avail = n - i;
          if (this.heldLen === 0 && avail >= this.need + 2 && buf[i + this.need] === CR && buf[i + this.need + 1] === LF) {
            // Fast path: the whole payload and its CRLF are in this chunk.
            const data = buf.subarray(i, i + this.need);
            i += this.need + 2;
            this.state = State.OP;
            this.sink.payload(data);
            if (this.state !== State.OP) return false;
            break;
          }
          const take = Math.min(avail, this.need - this.heldLen);
          this.hold(buf.subarray(i, i + take));
          i += take;
          if (this.heldLen === this.need) {
            this.body = this.takeHeld(new Uint8Array(0));
            this.state = State.END_R;
          }
          break;
        }
        // nats-server processes a message only once its CRLF has arrived (MSG_END_N).
        case State.END_R:
          if (buf[i] !== CR) return this.stop('unknown_op');
          this.state = State.END_N;
          i++;
          break;
        case State.END_N: {
          if (buf[i] !== LF) return this.stop('unknown_op');
          i++;
          const data = this.body!;
          this.body = undefined;
          this.state = State.OP;
          this.sink.payload(data);
          if (this.state !== State.OP) return false;
          break;
        }
        case State.DEAD:
          return false;
      }
    }
    return true;
  }

  /** Stops parsing for good; called by the handler when it closes the connection. */
  kill(): void {
    this.state = State.DEAD;
    this.held = [];
    this.heldLen = 0;
  }

  private stop(reason: ParseFailure): false {
    this.kill();
    this.sink.fail(reason);
    return false;
  }

  private dead(): false {
    this.kill();
    return false;
  }

  private hold(part: Uint8Array): void {
    if (part.length === 0) return;
    // Copy: the transport may hand us views of a buffer it will reuse.
    this.held.push(copyBytes(part));
    this.heldLen += part.length;
  }

  private takeHeld(tail: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.heldLen + tail.length);
    let o = 0;
    for (const p of this.held) {
      out.set(p, o);
      o += p.length;
    }
    out.set(tail, o);
    this.held = [];
    this.heldLen = 0;
    return out;
  }
}

function indexOf(buf: Uint8Array, byte: number, from: number): number {
  return buf.indexOf(byte, from);
}
