import type { ActivationDetails, Language } from '../domain/types.js';
import { activationSheet } from './documents/activationSheet.js';
import { qrPng } from './qrPng.js';

/** Draws the QR code and the activation sheet: the CPU-heavy renders (tens to hundreds of ms each). */
export interface Renderer {
  /** The PNG of `qrPng.ts` for `payload`. */
  qrPng(payload: string): Promise<Buffer>;
  /** The PDF of `activationSheet.ts` in `lang`, dated `creationDate` (now by default). */
  activationSheet(details: ActivationDetails, lang: Language, creationDate?: Date): Promise<Buffer>;
  /** Waits for the renders under way, then releases whatever the renderer holds. */
  close(): Promise<void>;
}

/** Renders on the calling thread, blocking it: what the render workers do, and the before-figure of bench/stall.ts. */
export const inThreadRenderer: Renderer = {
  qrPng,
  activationSheet: (details, lang, creationDate) => activationSheet(details, lang, qrPng, creationDate),
  close: async () => undefined,
};
