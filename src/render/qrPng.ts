import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

// Medium error correction and the standard 4-module quiet zone, as eSIM activation QR codes use.
const ERROR_CORRECTION = 'M';
const QUIET_ZONE_MODULES = 4;
const WIDTH_PX = 400;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A 400 px PNG of the QR code for `payload`, e.g. `LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815`:
 * black modules on white, the quiet zone included, each pixel in the module it falls in (as the
 * qrcode package draws it). Written as a 1-bit greyscale PNG: ~0.3 ms, where qrcode's own PNG
 * (8-bit RGBA through pngjs) takes ~17 ms for the same picture.
 */
export async function qrPng(payload: string): Promise<Buffer> {
  const { modules } = QRCode.create(payload, { errorCorrectionLevel: ERROR_CORRECTION });
  const side = modules.size + 2 * QUIET_ZONE_MODULES;
  const scale = WIDTH_PX / side;
  const rowBytes = Math.ceil(WIDTH_PX / 8);
  // Each row: filter type 0 (none), then 8 pixels a byte, most significant bit first; 1 is white.
  const raw = Buffer.alloc((rowBytes + 1) * WIDTH_PX);
  for (let y = 0; y < WIDTH_PX; y++) {
    const row = y * (rowBytes + 1);
    const moduleRow = Math.floor(y / scale) - QUIET_ZONE_MODULES;
    for (let x = 0; x < WIDTH_PX; x++) {
      const moduleColumn = Math.floor(x / scale) - QUIET_ZONE_MODULES;
      const dark = moduleRow >= 0 && moduleRow < modules.size && moduleColumn >= 0 && moduleColumn < modules.size && modules.get(moduleRow, moduleColumn);
      if (!dark) raw[row + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH_PX, 0);
  header.writeUInt32BE(WIDTH_PX, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A PNG chunk: length, type, data, and the CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const framed = Buffer.alloc(typed.length + 8);
  framed.writeUInt32BE(data.length, 0);
  typed.copy(framed, 4);
  framed.writeUInt32BE(crc32(typed), typed.length + 4);
  return framed;
}
