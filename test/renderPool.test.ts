import assert from 'node:assert/strict';
import type { ActivationDetails } from '../src/domain/types.js';
import { inThreadRenderer } from '../src/render/renderer.js';
import { RenderPool } from '../src/render/worker/renderPool.js';

const CREATED = new Date('2025-01-01T00:00:00Z');

function details(n: number): ActivationDetails {
  const matchingId = `04386-AGYFT-A74Y8-3F8${String(n).padStart(2, '0')}`;
  return {
    email: `user${n}@example.com`,
    smdpAddress: 'SMDP.EXAMPLE.COM',
    matchingId,
    qrPayload: `LPA:1$SMDP.EXAMPLE.COM$${matchingId}`,
    networkProviderCode: `1$SMDP.EXAMPLE.COM$${matchingId}`,
    expiresAt: '2025-03-01T00:00:00.000Z',
  };
}

describe('render pool (worker threads)', () => {
  // One pool for the suite: a worker thread takes about a second to start (it loads TypeScript).
  const pool = new RenderPool(2);
  after(() => pool.close());

  it('starts no thread until something is rendered', () => {
    assert.equal(pool.threads, 0);
  });

  it('draws the same QR PNG bytes as the main thread', async () => {
    const payload = details(1).qrPayload;
    const [offThread, inThread] = await Promise.all([pool.qrPng(payload), inThreadRenderer.qrPng(payload)]);
    assert.ok(Buffer.isBuffer(offThread));
    assert.ok(offThread.equals(inThread));
  });

  it('writes the same activation sheet bytes as the main thread for the same date', async () => {
    const [offThread, inThread] = await Promise.all([
      pool.activationSheet(details(1), 'en', CREATED),
      inThreadRenderer.activationSheet(details(1), 'en', CREATED),
    ]);
    assert.equal(offThread.subarray(0, 5).toString(), '%PDF-');
    assert.ok(offThread.equals(inThread));
  });

  it('draws the same calls chart as the main thread, in the reader\'s language', async () => {
    const byDay = [
      { day: '2026-03-02', calls: 1200 },
      { day: '2026-03-03', calls: 0 },
      { day: '2026-03-04', calls: 37 },
    ];
    const words = { title: 'Обаждания с Webex Go на ден', subtitle: '2–4 март 2026 г.', empty: 'Няма обаждания' };
    const [offThread, inThread] = await Promise.all([pool.callsChart(byDay, words, 'bg'), inThreadRenderer.callsChart(byDay, words, 'bg')]);
    assert.equal(offThread.subarray(1, 4).toString(), 'PNG');
    assert.ok(offThread.equals(inThread));
  });

  it('gives each of many concurrent renders its own result, on at most its size of threads', async () => {
    const payloads = Array.from({ length: 6 }, (_, n) => details(n).qrPayload);
    const offThread = await Promise.all(payloads.map((payload) => pool.qrPng(payload)));
    assert.ok(pool.threads <= 2);
    for (const [n, payload] of payloads.entries()) assert.ok(offThread[n].equals(await inThreadRenderer.qrPng(payload)), payload);
  });

  it('rejects a render that fails with its message, and keeps working', async () => {
    const tooLong = 'X'.repeat(5000);
    const expected = await inThreadRenderer.qrPng(tooLong).then(
      () => assert.fail('qrcode took 5000 characters'),
      (error: Error) => error.message,
    );
    await assert.rejects(pool.qrPng(tooLong), { message: expected });
    assert.ok((await pool.qrPng(details(1).qrPayload)).equals(await inThreadRenderer.qrPng(details(1).qrPayload)));
  });

  it('close() lets the renders under way finish, stops its threads and refuses new work', async () => {
    const pool = new RenderPool(2);
    const sheet = pool.activationSheet(details(2), 'en', CREATED);
    const qr = pool.qrPng(details(2).qrPayload);
    await pool.close();
    assert.equal((await sheet).subarray(0, 5).toString(), '%PDF-');
    assert.ok(Buffer.isBuffer(await qr));
    assert.equal(pool.threads, 0);
    await assert.rejects(pool.qrPng(details(3).qrPayload), /closed/);
  });
});
