/** The one banner `hearth serve` prints when it is ready. */

/** What the banner shows. */
export interface BannerInfo {
  url: string;
  /** The HTTPS URL when the gateway serves HTTPS itself (`https.address`). */
  httpsUrl?: string;
  data: string;
  broker: string;
  wsUrl?: string;
  services: readonly string[];
  /** No account exists yet: show how to create the first (admin) one. */
  firstRun?: boolean;
  /** Services not ready when the banner is printed, with why (a damaged database, say). */
  notReady?: Readonly<Record<string, string>>;
}

/** The banner text: ready or which services are not (and why), the URL, the data directory, and how to stop. */
export function banner(b: BannerInfo): string {
  const rows = [
    ['open', b.url],
    ...(b.httpsUrl ? [['https', `${b.httpsUrl}  (certificate: /readyz)`]] : []),
    ['data', b.data],
    ['broker', b.wsUrl ? `${shown(b.broker)}  (WebSocket ${b.wsUrl})` : shown(b.broker)],
    ['services', b.services.length ? b.services.join(', ') : 'none yet'],
    ['stop', 'Ctrl+C (or SIGTERM)'],
  ];
  const first = b.firstRun
    ? `\n  First run: open ${b.url} in a browser and create the admin account there\n` +
      `  (no invite needed for the first one), or with curl:\n` +
      `    curl -X POST ${b.url}/v1/auth/register -H 'content-type: application/json' \\\n` +
      `      -d '{"email":"you@example.home","password":"a long passphrase","displayName":"You"}'\n`
    : '';
  const down = Object.entries(b.notReady ?? {});
  const title = down.length
    ? `Hearth is running, but not every service is ready:\n${down.map(([name, why]) => `    ${name}: ${why}\n`).join('')}  (${b.url}/readyz says the same)`
    : 'Hearth is ready';
  return `\n  ${title}\n\n${rows.map(([k, v]) => `  ${k!.padEnd(9)}${v}`).join('\n')}\n${first}\n`;
}

/** A broker URL (or a cluster's, comma-separated) without any credentials in it: a banner is read over shoulders and pasted into issues. */
function shown(url: string): string {
  return url.split(',').map((u) => u.trim().replace(/\/\/[^@/]*@/, '//')).join(',');
}
