/**
 * Command-line flags, parsed as nats-server parses them (opts.go ConfigureOptions, with
 * Go's `flag` package rules): `-flag` and `--flag` are the same; a value follows as the
 * next argument or after `=`; boolean flags take a value only with `=` (`-D=false`);
 * parsing stops at the first argument that is not a flag, and that argument may only be
 * `version` or `help`.
 */
import type { BrokerOptions } from '../server/options.ts';

/** What the command line asked for. */
export interface ParsedFlags {
  /** Options given as flags; they override the configuration file. */
  options: Partial<BrokerOptions>;
  /** Authorization given as --user / --pass / --auth. */
  auth: { user?: string; password?: string; token?: string };
  /** TLS given as --tls, --tlscert, --tlskey, --tlscacert, --tlsverify. */
  tls: { enable?: boolean; cert?: string; key?: string; ca?: string; verify?: boolean };
  configFile?: string;
  help: boolean;
  version: boolean;
  /** -t: check the configuration and exit. */
  checkConfig: boolean;
  warnings: string[];
}

type Kind = 'bool' | 'int' | 'string';
type Value = boolean | number | string;
interface Spec {
  kind: Kind;
  apply: (p: ParsedFlags, v: Value) => void;
}

const HINT = ' (run with --help for the list of flags)';

function spec(kind: Kind, apply: Spec['apply']): Spec {
  return { kind, apply };
}

const setBoth = (p: ParsedFlags, v: Value) => {
  p.options.debug = v as boolean;
  p.options.trace = v as boolean;
};

const FLAGS: Record<string, Spec> = {};
function define(names: string[], s: Spec): void {
  for (const n of names) FLAGS[n] = s;
}
define(['h', 'help'], spec('bool', (p, v) => void (p.help = v as boolean)));
define(['v', 'version'], spec('bool', (p, v) => void (p.version = v as boolean)));
define(['p', 'port'], spec('int', (p, v) => void (p.options.port = v as number)));
define(['n', 'name', 'server_name'], spec('string', (p, v) => void (p.options.serverName = v as string)));
define(['a', 'addr', 'net'], spec('string', (p, v) => void (p.options.host = v as string)));
define(['m', 'http_port'], spec('int', (p, v) => void (p.options.httpPort = v as number)));
define(['c', 'config'], spec('string', (p, v) => void (p.configFile = v as string)));
define(['t'], spec('bool', (p, v) => void (p.checkConfig = v as boolean)));
define(['ports_file_dir'], spec('string', (p, v) => void (p.options.portsFileDir = v as string)));
define(['D', 'debug'], spec('bool', (p, v) => void (p.options.debug = v as boolean)));
// -VV and -DVV add the system account's traffic to the trace; we have no system account.
define(['V', 'trace', 'VV'], spec('bool', (p, v) => void (p.options.trace = v as boolean)));
define(['DV', 'DVV'], spec('bool', setBoth));
define(['user'], spec('string', (p, v) => void (p.auth.user = v as string)));
define(['pass'], spec('string', (p, v) => void (p.auth.password = v as string)));
define(['auth'], spec('string', (p, v) => void (p.auth.token = v as string)));

function unsupported(what: string): Spec['apply'] {
  return (_p, v) => {
    if (v !== false && v !== '' && v !== 0) throw new Error(`${what} is not supported by this broker; use nats-server for ${what}`);
  };
}
define(['tls'], spec('bool', (p, v) => void (p.tls.enable = v as boolean)));
define(['tlsverify'], spec('bool', (p, v) => void (p.tls.verify = v as boolean)));
define(['tlscert'], spec('string', (p, v) => void (p.tls.cert = v as string)));
define(['tlskey'], spec('string', (p, v) => void (p.tls.key = v as string)));
define(['tlscacert'], spec('string', (p, v) => void (p.tls.ca = v as string)));
define(['help_tls'], spec('bool', (p, v) => void (p.help = v as boolean)));
define(['ms', 'https_port'], spec('int', unsupported('monitoring over HTTPS')));
define(['js', 'jetstream'], spec('bool', unsupported('JetStream')));
define(['sd', 'store_dir'], spec('string', unsupported('JetStream')));
define(['sl', 'signal'], spec('string', unsupported('signalling a running server')));

/** nats-server flags accepted and ignored, with a warning. */
const IGNORED: Record<string, Kind> = {
  T: 'bool', logtime: 'bool', s: 'bool', syslog: 'bool', no_advertise: 'bool',
  P: 'string', pid: 'string', l: 'string', log: 'string', r: 'string', remote_syslog: 'string',
  client_advertise: 'string', routes: 'string', cluster: 'string', cluster_listen: 'string',
  cluster_advertise: 'string', cluster_name: 'string',
  log_size_limit: 'int', max_traced_msg_len: 'int', profile: 'int', connect_retries: 'int',
};

/** Parses the arguments after `broker`. Throws an Error with a usage hint on a bad flag. */
export function parseFlags(argv: string[]): ParsedFlags {
  const p: ParsedFlags = { options: {}, auth: {}, tls: {}, help: false, version: false, checkConfig: false, warnings: [] };
  const ignored: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.length < 2 || arg[0] !== '-') break;
    if (arg === '--') {
      i++;
      break;
    }
    const body = arg.slice(arg[1] === '-' ? 2 : 1);
    if (body === '' || body[0] === '-' || body[0] === '=') throw new Error(`bad flag syntax: ${arg}${HINT}`);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const kind = FLAGS[name]?.kind ?? IGNORED[name];
    if (!kind) throw new Error(`flag provided but not defined: -${name}${HINT}`);
    let raw = eq < 0 ? undefined : body.slice(eq + 1);
    if (raw === undefined && kind !== 'bool') {
      if (i + 1 >= argv.length) throw new Error(`flag needs an argument: -${name}${HINT}`);
      raw = argv[++i];
    }
    const value = convert(name, kind, raw);
    if (FLAGS[name]) FLAGS[name].apply(p, value);
    else ignored.push(`-${name}`);
  }
  // nats-server accepts the words `version` and `help` after the flags (ProcessCommandLineArgs).
  const word = argv[i];
  if (word !== undefined) {
    if (word.toLowerCase() === 'version') p.version = true;
    else if (word.toLowerCase() === 'help') p.help = true;
    else throw new Error(`unrecognized command: ${JSON.stringify(word)}${HINT}`);
  }
  if (ignored.length > 0) {
    p.warnings.push(`ignoring flags we do not implement: ${[...new Set(ignored)].join(', ')} (use nats-server for these)`);
  }
  return p;
}

function convert(name: string, kind: Kind, raw: string | undefined): Value {
  if (kind === 'string') return raw ?? '';
  if (kind === 'bool') {
    if (raw === undefined) return true;
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
    throw new Error(`invalid boolean value ${JSON.stringify(raw)} for -${name}: parse error${HINT}`);
  }
  const n = parseGoInt(raw ?? '');
  if (n === undefined) throw new Error(`invalid value ${JSON.stringify(raw)} for flag -${name}: parse error${HINT}`);
  return n;
}

/** strconv.ParseInt(s, 0, 64): decimal, 0x hex, 0o / leading-0 octal, 0b binary. */
function parseGoInt(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2];
  const lower = digits.toLowerCase();
  let n: bigint;
  if (/^0[xbo]/.test(lower)) n = BigInt(lower);
  else if (digits.length > 1 && digits[0] === '0') n = BigInt(`0o${digits.slice(1)}`);
  else n = BigInt(digits);
  if (m[1] === '-') n = -n;
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return undefined;
  return Number(n);
}
