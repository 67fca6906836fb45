/**
 * The set-up link as an SVG QR code, made here so the web app ships no QR encoder for it
 * (npm `qrcode`: maintained, pure JavaScript, so it runs on Node, Bun's compiled binary
 * and Deno alike).
 */
import QRCode from 'qrcode';

/**
 * An SVG of `text` as a QR code. Error correction `L`: the code is read off a screen, not
 * a scuffed sticker, and the lowest level keeps a long link's modules large enough for an
 * older phone's camera.
 *
 * @example
 * await qrSvg('owntracks:///config?inline=…'); // '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 …'
 */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'L', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
}
