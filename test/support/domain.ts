import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { WebexGoService } from '../../src/domain/service.js';
import { createBuiltinEsimProvider } from '../../src/esim/builtinProvider.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import type { OrgSettings } from '../../src/domain/types.js';

export const ADMIN = 'admin@example.com';

export const DEFAULT_SETTINGS: OrgSettings = {
  licenses: 10,
  notifyUsers: true,
  codeTtlDays: 90,
  smdpAddress: 'SMDP.EXAMPLE.COM',
};

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public now = new Date('2026-11-26T09:00:00.000Z')) {}
  readonly read = () => new Date(this.now.getTime());
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
}

export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'webex-go-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface DomainHarness {
  dir: string;
  repo: LowdbRepository;
  service: WebexGoService;
  clock: TestClock;
  /** Closes the store and opens it again from disk, as a restart would. */
  reopen(): Promise<DomainHarness>;
  close(): Promise<void>;
}

export async function openDomain(
  settings: Partial<OrgSettings> = {},
  admins = [ADMIN],
  existing?: { dir: string; clock: TestClock },
): Promise<DomainHarness> {
  const dir = existing?.dir ?? (await tempDir()).dir;
  const clock = existing?.clock ?? new TestClock();
  const repo = await LowdbRepository.open(dir, { settings: { ...DEFAULT_SETTINGS, ...settings }, admins });
  const service = new WebexGoService({ repo, clock: clock.read, esim: createBuiltinEsimProvider(), newId: randomUUID });
  const harness: DomainHarness = {
    dir,
    repo,
    service,
    clock,
    reopen: async () => {
      await repo.close();
      return openDomain(settings, admins, { dir, clock });
    },
    close: async () => {
      await repo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
