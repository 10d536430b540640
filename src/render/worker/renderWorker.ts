/** One render worker thread: renders each task it is sent, in turn, and answers with the bytes. */
import { parentPort } from 'node:worker_threads';
import type { RenderReply, RenderTask } from './renderPool.js';

const port = parentPort;
if (!port) throw new Error('renderWorker.ts runs only as a worker thread (see renderPool.ts).');

// Loaded on first use, so that a worker starts in about half the time: pdfkit alone takes a few
// hundred ms to load, and only an org with notifications off needs it.
async function render(task: RenderTask): Promise<Buffer> {
  if (task.kind === 'callsChart') {
    const { callsChartPng } = await import('../callsChart.js');
    return callsChartPng(task.byDay, task.words, task.lang);
  }
  const { qrPng } = await import('../qrPng.js');
  if (task.kind === 'qrPng') return qrPng(task.payload);
  const { activationSheet } = await import('../documents/activationSheet.js');
  return activationSheet(task.details, task.lang, qrPng, task.creationDate);
}

port.on('message', (task: RenderTask) => {
  render(task).then(
    (buffer) => {
      // A small Buffer is a view into a shared pool: copy it out so only its own bytes are moved.
      const bytes = new Uint8Array(buffer);
      port.postMessage({ bytes } satisfies RenderReply, [bytes.buffer]);
    },
    (error: unknown) => port.postMessage({ error: (error as Error)?.message ?? String(error) } satisfies RenderReply),
  );
});
