/** Reading a PNG back as a person's phone would: its pixels, and what its QR code says. */
import { createRequire } from 'node:module';

// pngjs comes with pureimage and has no type declarations: describe the one call used. jsqr is
// a CommonJS bundle whose function sits on `default`; require() gets it the same way everywhere.
const require = createRequire(import.meta.url);
const { PNG } = require('pngjs') as {
  PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } };
};
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsqrModule = require('jsqr') as JsQr | { default: JsQr };
const jsQR: JsQr = typeof jsqrModule === 'function' ? jsqrModule : jsqrModule.default;

/** Any PNG as 8-bit RGBA pixels, whatever its own bit depth and colour type. */
export function pngPixels(png: Buffer): { width: number; height: number; rgba: Uint8ClampedArray } {
  const image = PNG.sync.read(png);
  return { width: image.width, height: image.height, rgba: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length) };
}

/** What the QR code in `png` says, or undefined when none is found. */
export function decodeQr(png: Buffer): string | undefined {
  const { width, height, rgba } = pngPixels(png);
  return jsQR(rgba, width, height)?.data;
}
