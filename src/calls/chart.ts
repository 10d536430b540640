/**
 * "Webex Go calls per day" as a PNG bar chart, drawn with pureimage (pure JavaScript: nothing to
 * build natively). Text needs a TrueType font: DejaVu Sans from the system when it is there, else
 * the copy pureimage ships in its package; with neither, the chart is drawn without text.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { DayCalls } from './summary.js';

/** The chart's words, in the reader's language (the render layer words them). */
export interface ChartText {
  title: string;
  /** Top right: the period and the total, or that there are no records. */
  subtitle: string;
  /** Across the plot when no day has a call. */
  empty: string;
  /** A day's tick label, from its `YYYY-MM-DD`, short (about as wide as "MM-DD"). */
  dayTick: (day: string) => string;
  /** Calls on the axis and above the bars. */
  number: (n: number) => string;
}

/** The words of one chart, plain strings (they cross to a render thread). */
export type ChartWords = Pick<ChartText, 'title' | 'subtitle' | 'empty'>;

export interface ChartOptions {
  width?: number;
  height?: number;
}

const FAMILY = 'CallsChartSans';
const COLORS = {
  background: '#ffffff',
  text: '#1f2933',
  muted: '#616e7c',
  grid: '#e4e7eb',
  axis: '#9aa5b1',
  bar: '#07c1e4',
  barEdge: '#0590aa',
};

let fontReady: Promise<boolean> | undefined;
let pureimage: Promise<typeof import('pureimage')> | undefined;

/** Loaded at the first chart: charts are drawn in the render pool, and the main thread loads calls/ without drawing. */
function loadPureimage(): Promise<typeof import('pureimage')> {
  pureimage ??= import('pureimage');
  return pureimage;
}

function fontPath(): string | undefined {
  const candidates = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'];
  try {
    const require = createRequire(import.meta.url);
    candidates.push(join(dirname(require.resolve('pureimage')), 'DejaVuSans.ttf'));
  } catch {
    // pureimage without its fonts: no text.
  }
  return candidates.find((path) => existsSync(path));
}

/** Loads the font once; false when there is none (the chart then has no text). */
function loadFont(): Promise<boolean> {
  fontReady ??= (async () => {
    const path = fontPath();
    if (path === undefined) return false;
    try {
      const PImage = await loadPureimage();
      await PImage.registerFont(path, FAMILY).load();
      return true;
    } catch {
      return false;
    }
  })();
  return fontReady;
}

/** A round step for about `target` grid lines up to `max`: 1, 2, 5, 10, 20, 50… */
export function niceStep(max: number, target = 5): number {
  if (max <= target) return 1;
  const raw = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) {
    if (raw <= factor * magnitude) return factor * magnitude;
  }
  return 10 * magnitude;
}

/** A PNG (800×400 by default) with one bar per day; days come as `CallSummary.byDay` gives them. */
export async function callsPerDayPng(byDay: readonly DayCalls[], words: ChartText, options: ChartOptions = {}): Promise<Buffer> {
  const width = options.width ?? 800;
  const height = options.height ?? 400;
  const hasText = await loadFont();
  const PImage = await loadPureimage();

  const image = PImage.make(width, height);
  const ctx = image.getContext('2d');
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, width, height);

  const text = (value: string, x: number, y: number, size: number, color: string, align: 'left' | 'center' | 'right') => {
    if (!hasText) return;
    ctx.font = `${size}px ${FAMILY}`;
    ctx.fillStyle = color;
    const measured = ctx.measureText(value).width;
    const left = align === 'left' ? x : align === 'center' ? x - measured / 2 : x - measured;
    ctx.fillText(value, Math.round(left), Math.round(y));
  };

  const left = hasText ? 56 : 16;
  const right = width - 20;
  const top = hasText ? 52 : 16;
  const bottom = height - (hasText ? 48 : 16);
  const plotHeight = bottom - top;
  const plotWidth = right - left;

  text(words.title, left, 26, 18, COLORS.text, 'left');
  text(words.subtitle, right, 26, 12, COLORS.muted, 'right');

  const max = byDay.reduce((m, d) => Math.max(m, d.calls), 0);
  const step = niceStep(max);
  const yMax = Math.max(step, Math.ceil(max / step) * step);
  const y = (value: number) => bottom - (value / yMax) * plotHeight;

  // Horizontal grid lines with their values.
  for (let value = 0; value <= yMax; value += step) {
    const gy = Math.round(y(value));
    ctx.fillStyle = value === 0 ? COLORS.axis : COLORS.grid;
    ctx.fillRect(left, gy, plotWidth, 1);
    text(words.number(value), left - 8, gy + 4, 11, COLORS.muted, 'right');
  }

  if (byDay.length === 0 || max === 0) {
    text(words.empty, left + plotWidth / 2, top + plotHeight / 2, 14, COLORS.muted, 'center');
  }

  if (byDay.length > 0) {
    const slot = plotWidth / byDay.length;
    const barWidth = Math.max(1, Math.min(48, Math.floor(slot * 0.7)));
    // Label every n-th day so labels (about 44 px for "MM-DD" or "02.03") never overlap.
    const every = Math.max(1, Math.ceil(52 / slot));
    byDay.forEach((d, i) => {
      const cx = left + slot * (i + 0.5);
      const x = Math.round(cx - barWidth / 2);
      if (d.calls > 0) {
        const barTop = Math.round(y(d.calls));
        const barHeight = Math.max(1, bottom - barTop);
        ctx.fillStyle = COLORS.bar;
        ctx.fillRect(x, barTop, barWidth, barHeight);
        ctx.fillStyle = COLORS.barEdge;
        ctx.fillRect(x, barTop, barWidth, Math.min(2, barHeight));
        if (barWidth >= 18) text(words.number(d.calls), cx, barTop - 5, 10, COLORS.text, 'center');
      }
      if (i % every === 0) {
        ctx.fillStyle = COLORS.axis;
        ctx.fillRect(Math.round(cx), bottom, 1, 4);
        text(words.dayTick(d.day), cx, bottom + 17, 11, COLORS.muted, 'center');
      }
    });
    if (byDay.length > 0) text(byDay[0].day.slice(0, 4), left, bottom + 36, 10, COLORS.muted, 'left');
  }

  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await PImage.encodePNGToStream(image, sink);
  return Buffer.concat(chunks);
}
