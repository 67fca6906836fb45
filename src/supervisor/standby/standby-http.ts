/**
 * The standby's HTTP face, on the address Hearth will serve on once promoted: `/healthz`
 * 200 (the standby runs), `/readyz` 503 with what it is following and how far behind it is
 * (a load balancer or a monitor sees a live standby, never a ready primary), and every other
 * path a 503 problem+json saying this is a standby and where the family's data is served.
 */
import { createServer, type Server } from 'node:http';

/** What a standby knows about its copy, as `/readyz` shows it. */
export interface StandbyStatus {
  /** The replica it follows (credentials never appear in it: they are settings, not URL parts). */
  replica: string;
  /** When the copy was last brought up to date with the replica (ISO time), if ever. */
  refreshedAt?: string;
  /** The time of the newest change in the replica that the copy holds (ISO time), if known. */
  replicaAt?: string;
  /** How far behind the copy is, in milliseconds: now − the newest change it holds (or − refreshedAt). */
  behindMs?: number;
  /** How long the last successful refresh took (restoring what changed), in milliseconds. */
  refreshMs?: number;
  /** The last refresh's error, if it failed (the copy is then as of `refreshedAt`). */
  error?: string;
  /** `promoting` once `hearth promote` asked. */
  state: 'following' | 'promoting';
}

/** Starts the standby's listener on host:port; resolves with the server and its bound port. */
export function startStandbyHttp(host: string, port: number, status: () => StandbyStatus): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: unknown) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...(code === 503 ? { 'retry-after': '30' } : {}) });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    };
    if (path === '/healthz') return send(200, 'application/json', { status: 'ok', role: 'standby' });
    const s = status();
    if (path === '/readyz') return send(503, 'application/json', { status: 'standby', ...s });
    send(503, 'application/problem+json', {
      type: 'urn:hearth:problem:standby',
      title: 'This is a standby',
      status: 503,
      detail: `This Hearth is a standby: it keeps a copy of the primary that replicates to ${s.replica} and serves nothing until it is promoted (hearth promote). Use the primary.`,
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as { port: number }).port });
    });
  });
}
