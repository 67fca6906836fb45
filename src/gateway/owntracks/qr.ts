/**
 * The set-up link as an SVG QR code, made here so the web app ships no QR encoder for it
 * (npm `qrcode`: maintained, pure JavaScript, so it runs on Node, Bun's compiled binary
 * and Deno alike). Loaded at the first code asked for rather than with the gateway: it cost
 * every start tens of milliseconds of CPU (docs/benchmarks.md, "Start and idle memory").
 */
let qrcode: Promise<typeof import('qrcode')> | undefined;

/**
 * An SVG of `text` as a QR code. Error correction `L`: the code is read off a screen, not
 * a scuffed sticker, and the lowest level keeps a long link's modules large enough for an
 * older phone's camera.
 *
 * @example
 * await qrSvg('owntracks:///config?inline=…'); // '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 …'
 */
export async function qrSvg(text: string): Promise<string> {
  const mod = await (qrcode ??= import('qrcode'));
  const QRCode = (mod as { default?: typeof mod }).default ?? mod; // CommonJS: its exports are `default` under Node's ESM loader
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'L', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
}
