/** The one banner `hearth serve` prints when it is ready. */

/** What the banner shows. */
export interface BannerInfo {
  url: string;
  data: string;
  broker: string;
  wsUrl?: string;
  services: readonly string[];
  /** No account exists yet: show how to create the first (admin) one. */
  firstRun?: boolean;
}

/** The banner text: the URL, the data directory, and how to stop. */
export function banner(b: BannerInfo): string {
  const rows = [
    ['open', b.url],
    ['data', b.data],
    ['broker', b.wsUrl ? `${b.broker}  (WebSocket ${b.wsUrl})` : b.broker],
    ['services', b.services.length ? b.services.join(', ') : 'none yet'],
    ['stop', 'Ctrl+C (or SIGTERM)'],
  ];
  const first = b.firstRun
    ? `\n  First run: open ${b.url} in a browser and create the admin account there\n` +
      `  (no invite needed for the first one), or with curl:\n` +
      `    curl -X POST ${b.url}/v1/auth/register -H 'content-type: application/json' \\\n` +
      `      -d '{"email":"you@example.home","password":"a long passphrase","displayName":"You"}'\n`
    : '';
  return `\n  Hearth is ready\n\n${rows.map(([k, v]) => `  ${k!.padEnd(9)}${v}`).join('\n')}\n${first}\n`;
}
