import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { repositoryContract } from './repositoryContract.js';

let dir: string | undefined;

repositoryContract('LowdbRepository', {
  open: async (seed) => LowdbRepository.open((dir ??= await mkdtemp(join(tmpdir(), 'webex-go-contract-'))), seed),
  cleanup: async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  },
  persistent: true,
  shared: false,
});
