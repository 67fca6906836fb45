/**
 * The supervisor's HTTP endpoint until the gateway takes the address over (#4):
 * `GET /readyz` answers 200 once every service is healthy and 503 (problem+json) before
 * that, `GET /healthz` answers 200 while the supervisor runs. Anything else is 404.
 */
import { createServer, type Server } from 'node:http';
import type { Readiness } from './readiness.ts';

/** Starts the HTTP listener on host:port; resolves with the server and its bound port. */
export function startHttp(host: string, port: number, readiness: () => Readiness): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: unknown) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(405, 'application/problem+json', { type: 'about:blank', title: 'Method Not Allowed', status: 405 });
    }
    if (path === '/healthz') return send(200, 'application/json', { status: 'ok' });
    if (path === '/readyz') {
      const r = readiness();
      const replication = r.replication ? { replication: r.replication } : {};
      if (r.ready) return send(200, 'application/json', { status: 'ready', services: r.services, ...replication });
      return send(503, 'application/problem+json', {
        type: 'urn:hearth:problem:not-ready',
        title: 'Not ready',
        status: 503,
        detail: 'Some services are not healthy yet',
        services: r.services,
        ...replication,
      });
    }
    send(404, 'application/problem+json', { type: 'about:blank', title: 'Not Found', status: 404 });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as { port: number }).port });
    });
  });
}
