import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { qrPng } from '../src/render/qrPng.js';

const PAYLOAD = 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815';
const MARGIN = 4;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Bitmap {
  width: number;
  height: number;
  isDark(x: number, y: number): boolean;
}

// No QR decoder is installed, so the test reads the pixels back and compares them with the module
// matrix that qrcode computes for the payload. Handles the 8-bit RGBA PNGs that qrcode writes.
function decodePng(png: Buffer): Bitmap {
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth');
      assert.equal(data[9], 6, 'colour type RGBA');
      assert.equal(data[12], 0, 'not interlaced');
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = 4;
  const stride = width * bpp;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= bpp ? pixels[y * stride + x - bpp] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp] : 0;
      const predictors = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)];
      pixels[y * stride + x] = (value + predictors[filter]) & 0xff;
    }
  }
  return { width, height, isDark: (x, y) => pixels[y * stride + x * bpp] < 128 };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

describe('qrPng', () => {
  it('writes a PNG of about 400 px and a few KB', async () => {
    const png = await qrPng(PAYLOAD);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.ok(png.length > 1000 && png.length < 10_000, `${png.length} bytes`);
    const bitmap = decodePng(png);
    assert.equal(bitmap.width, 400);
    assert.equal(bitmap.height, 400);
  });

  it('draws exactly the QR symbol of the payload, with error correction M and a 4-module quiet zone', async () => {
    const bitmap = decodePng(await qrPng(PAYLOAD));
    const symbol = QRCode.create(PAYLOAD, { errorCorrectionLevel: 'M' });
    const size = symbol.modules.size;
    const scale = bitmap.width / (size + 2 * MARGIN);
    const moduleAt = (column: number, row: number) =>
      bitmap.isDark(Math.floor((column + 0.5) * scale), Math.floor((row + 0.5) * scale));
    for (let row = 0; row < size + 2 * MARGIN; row++) {
      for (let column = 0; column < size + 2 * MARGIN; column++) {
        const [r, c] = [row - MARGIN, column - MARGIN];
        const inSymbol = r >= 0 && c >= 0 && r < size && c < size;
        const expected = inSymbol && symbol.modules.get(r, c) === 1;
        assert.equal(moduleAt(column, row), expected, `module row ${row} column ${column}`);
      }
    }
  });
});
