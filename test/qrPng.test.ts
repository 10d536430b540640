import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { qrPng } from '../src/render/qrPng.js';
import { decodeQr, pngPixels } from './support/qr.js';

const PAYLOAD = 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815';
const MARGIN = 4;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('qrPng', () => {
  it('writes a PNG of 400 px and a few KB', async () => {
    const png = await qrPng(PAYLOAD);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.ok(png.length > 500 && png.length < 10_000, `${png.length} bytes`);
    const { width, height } = pngPixels(png);
    assert.deepEqual({ width, height }, { width: 400, height: 400 });
  });

  it('reads back as the payload, as a phone scanning it would', async () => {
    assert.equal(decodeQr(await qrPng(PAYLOAD)), PAYLOAD);
    const other = 'LPA:1$SMDP.EXAMPLE.COM$7K2QX-9MZ4T-HH3WA-PL0VD';
    assert.equal(decodeQr(await qrPng(other)), other);
  });

  it('draws exactly the QR symbol of the payload, with error correction M and a 4-module quiet zone', async () => {
    const { width, rgba } = pngPixels(await qrPng(PAYLOAD));
    const isDark = (x: number, y: number) => rgba[(y * width + x) * 4]! < 128;
    const symbol = QRCode.create(PAYLOAD, { errorCorrectionLevel: 'M' });
    const size = symbol.modules.size;
    const scale = width / (size + 2 * MARGIN);
    const moduleAt = (column: number, row: number) => isDark(Math.floor((column + 0.5) * scale), Math.floor((row + 0.5) * scale));
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
