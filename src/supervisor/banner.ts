/** The one banner `hearth serve` prints when it is ready. */

/** What the banner shows. */
export interface BannerInfo {
  url: string;
  data: string;
  broker: string;
  wsUrl?: string;
  services: readonly string[];
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
  return `\n  Hearth is ready\n\n${rows.map(([k, v]) => `  ${k!.padEnd(9)}${v}`).join('\n')}\n\n`;
}
