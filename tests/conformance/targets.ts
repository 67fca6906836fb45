/**
 * The brokers the conformance suite runs against: Debian's nats-server (the reference)
 * and Hearth's embedded broker under Node, Bun and Deno. Each is started as a process from
 * the same configuration text, with ephemeral ports discovered through the ports file,
 * so every assertion is made the same way against each.
 *
 * HEARTH_TARGETS=hearth-node,nats-server narrows the list.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** A broker implementation the suite can start. */
export interface Target {
  name: 'nats-server' | 'hearth-node' | 'hearth-bun' | 'hearth-deno' | 'hearth-binary';
  /** Why it cannot run here, or undefined when it can. */
  skip?: string;
  command(conf: string, portsDir: string, extra: string[]): string[];
}

/** A started broker. */
export interface Running {
  target: Target;
  pid: number;
  /** TCP port for NATS clients. */
  port: number;
  /** WebSocket port, when the configuration has a websocket block. */
  wsPort?: number;
  /** Monitoring port, when the configuration enables it. */
  httpPort?: number;
  url: string;
  wsUrl?: string;
  dir: string;
  /** Everything the process has written to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and waits for the exit code (SIGTERM by default). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  child: ChildProcess;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const natsServer = which('nats-server');
const bun = join(root, 'node_modules/.bin/bun');
const deno = join(root, 'node_modules/.bin/deno');

const all: Target[] = [
  {
    name: 'nats-server',
    skip: natsServer ? undefined : 'nats-server is not installed (apt-get install nats-server)',
    command: (conf, dir, extra) => [natsServer!, '-c', conf, '--ports_file_dir', dir, ...extra],
  },
  {
    name: 'hearth-node',
    command: (conf, dir, extra) => [
      process.execPath, '--max-semi-space-size=2', join(root, 'bin/hearth.js'), 'broker', '-c', conf, '--ports_file_dir', dir, ...extra,
    ],
  },
  {
    name: 'hearth-bun',
    skip: existsSync(bun) ? undefined : 'bun is not installed',
    command: (conf, dir, extra) => [bun, join(root, 'bin/hearth.ts'), 'broker', '-c', conf, '--ports_file_dir', dir, ...extra],
  },
  {
    name: 'hearth-deno',
    skip: existsSync(deno) ? undefined : 'deno is not installed',
    command: (conf, dir, extra) => [deno, 'run', '-A', join(root, 'bin/hearth.ts'), 'broker', '-c', conf, '--ports_file_dir', dir, ...extra],
  },
];

/** The targets selected for this run, skipped ones included (tests mark them skipped). */
export function targets(): Target[] {
  const only = process.env.HEARTH_TARGETS?.split(',').map((s) => s.trim());
  const chosen = only ? all.filter((t) => only.includes(t.name)) : all;
  for (const t of chosen) {
    if (t.skip) console.log(`# SKIPPING conformance against ${t.name}: ${t.skip}`);
  }
  return chosen;
}

interface PortsFile {
  nats?: string[];
  monitoring?: string[];
  websocket?: string[];
}

function portOf(urls: string[] | undefined): number | undefined {
  const u = urls?.[0];
  return u ? Number(new URL(u).port) : undefined;
}

/**
 * Starts `target` with configuration `conf` (nats-server syntax). Ports set to -1 in the
 * configuration are read back from the ports file.
 */
export async function start(target: Target, conf: string, extra: string[] = []): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), `hearth-conf-${target.name}-`));
  const confPath = join(dir, 'broker.conf');
  writeFileSync(confPath, conf);
  const [cmd, ...args] = target.command(confPath, dir, extra);
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));

  const deadline = Date.now() + 15_000;
  let ports: PortsFile | undefined;
  while (!ports) {
    if (child.exitCode !== null) throw new Error(`${target.name} exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${target.name} wrote no ports file within 15 s:\n${out}`);
    }
    const file = readdirSync(dir).find((f) => f.endsWith(`_${child.pid}.ports`));
    if (file) {
      try {
        ports = JSON.parse(readFileSync(join(dir, file), 'utf8')) as PortsFile;
      } catch {
        // written but not complete yet: read again on the next turn
      }
    }
    if (!ports) await new Promise((r) => setTimeout(r, 25));
  }
  const port = portOf(ports.nats)!;
  const wsPort = portOf(ports.websocket);
  const httpPort = portOf(ports.monitoring);
  return {
    target,
    pid: child.pid!,
    port,
    wsPort,
    httpPort,
    url: `nats://127.0.0.1:${port}`,
    wsUrl: wsPort ? `ws://127.0.0.1:${wsPort}` : undefined,
    dir,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(kill);
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** The configuration most tests use: everything on loopback, ephemeral ports. */
export function conf(body = ''): string {
  return `host: 127.0.0.1\nport: -1\nhttp: "127.0.0.1:-1"\nwebsocket { host: 127.0.0.1, port: -1, no_tls: true }\n${body}\n`;
}
