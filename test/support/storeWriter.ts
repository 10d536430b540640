/**
 * A child process for the crash test: writes bursts of assigns to the store in argv[2] and prints
 * "ack <email>" for each one the store acknowledged, until it is killed; meanwhile it compacts the
 * store again and again, so the kill also lands in the middle of a compaction.
 */
import { randomUUID } from 'node:crypto';
import { WebexGoService } from '../../src/domain/service.js';
import { createBuiltinEsimProvider } from '../../src/esim/builtinProvider.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { ADMIN, DEFAULT_SETTINGS } from './domain.js';

const repo = await LowdbRepository.open(process.argv[2], {
  settings: { ...DEFAULT_SETTINGS, licenses: 1_000_000 },
  admins: [ADMIN],
});
void (async () => {
  for (;;) {
    await repo.compactNow();
    // With nothing to fold in, a compaction ends at once: let the writes run.
    await new Promise((resolve) => setImmediate(resolve));
  }
})();
const service = new WebexGoService({ repo, clock: () => new Date(), esim: createBuiltinEsimProvider(), newId: randomUUID });
for (let burst = 0; ; burst++) {
  await Promise.all(
    Array.from({ length: 25 }, async (_, i) => {
      const email = `user${burst}-${i}@example.com`;
      await service.assign(ADMIN, email);
      process.stdout.write(`ack ${email}\n`);
    }),
  );
}
