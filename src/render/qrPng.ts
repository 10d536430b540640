import QRCode from 'qrcode';

// Medium error correction and the standard 4-module quiet zone, as eSIM activation QR codes use.
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4, width: 400 } as const;

/** A ~400 px PNG of the QR code for `payload`, e.g. `LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815`. */
export function qrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { ...QR_OPTIONS, type: 'png' });
}
