import assert from 'node:assert/strict';
import { callsPerDayPng, niceStep, type ChartText } from '../../src/calls/chart.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual(png.subarray(0, 8), SIGNATURE, 'a PNG signature');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The chart's words, as the English report gives them. */
const WORDS: ChartText = {
  title: 'Webex Go calls per day',
  subtitle: '2026-03-01 to 2026-03-07 (UTC) · 77 calls',
  empty: 'No Webex Go calls in this period',
  dayTick: (day) => day.slice(5),
  number: String,
};

function days(n: number): { day: string; calls: number }[] {
  return Array.from({ length: n }, (_, i) => ({
    day: new Date(Date.UTC(2026, 2, 1 + i)).toISOString().slice(0, 10),
    calls: (i * 37) % 23,
  }));
}

describe('calls: the calls-per-day chart', function () {
  this.timeout(20_000);

  it('is an 800×400 PNG', async () => {
    const png = await callsPerDayPng(days(7), WORDS);
    assert.deepEqual(pngSize(png), { width: 800, height: 400 });
    assert.ok(png.length > 2_000, 'it has content');
  });

  it('draws a month, a quarter, one day, and no days at all', async () => {
    for (const n of [31, 92, 1, 0]) {
      assert.deepEqual(pngSize(await callsPerDayPng(days(n), WORDS)), { width: 800, height: 400 }, `${n} days`);
    }
  });

  it('takes another size', async () => {
    assert.deepEqual(pngSize(await callsPerDayPng(days(3), WORDS, { width: 400, height: 200 })), { width: 400, height: 200 });
  });

  it('picks round grid steps', () => {
    assert.deepEqual([3, 5, 9, 23, 59, 140, 1234].map((max) => niceStep(max)), [1, 1, 2, 5, 20, 50, 500]);
  });
});
