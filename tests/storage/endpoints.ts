/**
 * Real endpoints that are not a working libSQL server, in a process of their own (run by
 * db-open.test.ts): libSQL's native replica client blocks the thread that calls it while it
 * waits, so a server in the test's own process could never answer it. Prints the ports as
 * one JSON line, then serves until killed: `silent` accepts and never writes, `notFound`
 * answers 404, `html` answers an HTML page (a router's login, say), `unauthorized` 401
 * (a server refusing the token).
 */
import { createServer as createHttp } from 'node:http';
import { createServer, type Server } from 'node:net';

const listen = async (s: Pick<Server, 'listen' | 'address'>) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
};
const silent = await listen(createServer((s) => s.on('error', () => {})));
const notFound = await listen(createHttp((_q, a) => a.writeHead(404, { 'content-type': 'text/plain' }).end('not found')));
const html = await listen(createHttp((_q, a) => a.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Router login</body></html>')));
const unauthorized = await listen(createHttp((_q, a) => a.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized')));
process.stdout.write(`${JSON.stringify({ silent, notFound, html, unauthorized })}\n`);
