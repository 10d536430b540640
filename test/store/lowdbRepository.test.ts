import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LowdbRepository, STATE_FILE, StoreOpenError } from '../../src/store/lowdbRepository.js';
import { ADMIN, DEFAULT_SETTINGS, TestClock, openDomain, tempDir } from '../support/domain.js';

const seed = { settings: DEFAULT_SETTINGS, admins: [ADMIN] };

describe('lowdb store', () => {
  it('refuses to start on a corrupt file, names it, and leaves it untouched', async () => {
    const { dir, remove } = await tempDir();
    const path = join(dir, STATE_FILE);
    await writeFile(path, '{"schemaVersion": 1, "devices": {');
    const error = await LowdbRepository.open(dir, seed).then(
      () => assert.fail('opened a corrupt store'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoreOpenError);
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, /left untouched/);
    assert.equal(await readFile(path, 'utf8'), '{"schemaVersion": 1, "devices": {');
    await writeFile(path, '[1, 2, 3]');
    await assert.rejects(LowdbRepository.open(dir, seed), /is not a webex-go-bot store/);
    await remove();
  });

  it('writes a new store with its schema version at once', async () => {
    const h = await openDomain();
    const saved = JSON.parse(await readFile(join(h.dir, STATE_FILE), 'utf8')) as { schemaVersion: number; admins: string[] };
    assert.equal(saved.schemaVersion, 1);
    assert.deepEqual(saved.admins, [ADMIN]);
    await h.close();
  });

  it('keeps every acknowledged write when the writer is killed (SIGKILL) mid-burst', async function () {
    this.timeout(60_000);
    const { dir, remove } = await tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/storeWriter.ts', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    await new Promise<void>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('ack ')) acknowledged.push(line.slice(4));
        if (acknowledged.length === 600) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    assert.ok(acknowledged.length >= 600, `the writer acknowledged only ${acknowledged.length} writes`);
    const h = await openDomain({}, [ADMIN], { dir, clock: new TestClock() });
    const stored = new Set(h.service.devices().map((d) => d.email));
    const lost = acknowledged.filter((email) => !stored.has(email));
    assert.deepEqual(lost, [], 'acknowledged writes were lost');
    await h.repo.close();
    await remove();
  });
});
