import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { CONTRACT_DELIVERIES_KEPT, repositoryContract } from './repositoryContract.js';

let dir: string | undefined;

repositoryContract('LowdbRepository', {
  open: async (seed) => LowdbRepository.open((dir ??= await mkdtemp(join(tmpdir(), 'webex-go-contract-'))), seed, undefined, { deliveriesKept: CONTRACT_DELIVERIES_KEPT }),
  cleanup: async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  },
  persistent: true,
  shared: false,
});
