import { callsPerDayPng, type ChartWords, type DayCalls } from '../calls/index.js';
import type { Language } from '../domain/types.js';
import { chartFormat } from './messages/callsText.js';

/** The calls-per-day chart with these words, its ticks and numbers written as `lang` writes them. */
export function callsChartPng(byDay: readonly DayCalls[], words: ChartWords, lang: Language): Promise<Buffer> {
  return callsPerDayPng(byDay, { ...words, ...chartFormat(lang) });
}
