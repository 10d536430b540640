/** Shared bits of the mail tests: test data, a QR decoder, SMTP servers that misbehave. */
import { createRequire } from 'node:module';
import net, { type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { ActivationDetails } from '../../src/domain/types.js';

// pngjs comes with pureimage and has no type declarations: describe the one call used. jsqr is
// a CommonJS bundle whose function sits on `default`; require() gets it the same way everywhere.
const require = createRequire(import.meta.url);
const { PNG } = require('pngjs') as {
  PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } };
};
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsqrModule = require('jsqr') as JsQr | { default: JsQr };
const jsQR: JsQr = typeof jsqrModule === 'function' ? jsqrModule : jsqrModule.default;

export const DETAILS: ActivationDetails = {
  email: 'alice@example.com',
  smdpAddress: 'SMDP.EXAMPLE.COM',
  matchingId: '04386-AGYFT-A74Y8-3F815',
  qrPayload: 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815',
  networkProviderCode: 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815',
  expiresAt: '2026-04-30T09:15:00.000Z',
};

/** What the QR code in `png` says, or undefined when none is found. */
export function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  return jsQR(pixels, image.width, image.height)?.data;
}

/** A loopback port with nothing listening on it (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never says a word. */
export async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An SMTP server with the given handlers (e.g. one that refuses with 550). */
export async function smtpServer(handlers: SMTPServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 500,
    ...handlers,
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An Error smtp-server turns into an SMTP reply with `responseCode`. */
export function smtpReply(responseCode: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode });
}
