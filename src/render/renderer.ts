import type { ChartWords, DayCalls } from '../calls/index.js';
import type { ActivationDetails, Language } from '../domain/types.js';
import { activationSheet } from './documents/activationSheet.js';
import { callsChartPng } from './callsChart.js';
import { qrPng } from './qrPng.js';

/** Draws the QR code, the activation sheet and the calls chart: the CPU-heavy renders (tens to hundreds of ms each). */
export interface Renderer {
  /** The PNG of `qrPng.ts` for `payload`. */
  qrPng(payload: string): Promise<Buffer>;
  /** The PDF of `activationSheet.ts` in `lang`, dated `creationDate` (now by default). */
  activationSheet(details: ActivationDetails, lang: Language, creationDate?: Date): Promise<Buffer>;
  /** The calls-per-day chart (PNG) with these words, its ticks and numbers written as `lang` writes them. */
  callsChart(byDay: readonly DayCalls[], words: ChartWords, lang: Language): Promise<Buffer>;
  /** Waits for the renders under way, then releases whatever the renderer holds. */
  close(): Promise<void>;
}

/** Renders on the calling thread, blocking it: what the render workers do, and the before-figure of bench/stall.ts. */
export const inThreadRenderer: Renderer = {
  qrPng,
  activationSheet: (details, lang, creationDate) => activationSheet(details, lang, qrPng, creationDate),
  callsChart: callsChartPng,
  close: async () => undefined,
};
