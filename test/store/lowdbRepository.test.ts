import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { open as openFile } from 'node:fs/promises';
import sinon from 'sinon';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { codeKey } from '../../src/domain/service.js';
import { createHttpApp } from '../../src/http/server.js';
import { journalLine } from '../../src/store/journal.js';
import { CODES_FILE, JOURNAL_FILE, LEGACY_AUDIT_FILE, LEGACY_CODES_FILE, LowdbRepository, STATE_FILE, StoreOpenError, auditFileName } from '../../src/store/lowdbRepository.js';
import { recoverStore } from '../../src/store/recover.js';
import { ADMIN, DEFAULT_SETTINGS, TestClock, openDomain, tempDir } from '../support/domain.js';

const seed = { settings: DEFAULT_SETTINGS, admins: [ADMIN] };
/** The audit file of the test clock's month. */
const AUDIT_FILE = auditFileName('2026-11');

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

  it('checks every record of a snapshot whose checksum does not match (edited, or of an older build)', async () => {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    await (await h.reopen()).repo.close();
    const path = join(h.dir, STATE_FILE);
    const written = await readFile(path, 'utf8');
    assert.match(written, /,"checksum":\d+}$/);
    const edited = written.replace('"status":"pending"', '"status":"lost"');
    await writeFile(path, edited);
    assert.match((await openError(h.dir)).message, /is not a webex-go-bot store/);
    await rm(h.dir, { recursive: true });
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

/** Every file the store keeps in `dir`, with its bytes. */
async function filesIn(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) files[name] = await readFile(join(dir, name), 'utf8');
  return files;
}

/** Makes a store file unwritable for anyone, root included: a directory where the file was. */
async function breakFile(path: string): Promise<() => Promise<void>> {
  const saved = await readFile(path).catch(() => undefined);
  await rm(path, { force: true });
  await mkdir(path);
  return async () => {
    await rm(path, { recursive: true });
    if (saved) await writeFile(path, saved);
  };
}

async function openError(dir: string, log?: (line: string) => void): Promise<StoreOpenError> {
  const error = await LowdbRepository.open(dir, seed, log).then(
    () => assert.fail('opened a damaged store'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof StoreOpenError, String(error));
  return error;
}

describe('lowdb store: a failed write', () => {
  for (const file of [JOURNAL_FILE, AUDIT_FILE]) {
    it(`with ${file} unwritable, answers the failure and leaves memory and disk as before; describe() says so`, async () => {
      const h = await openDomain();
      await h.service.assign(ADMIN, 'bob@example.com');
      const pool = h.service.licensePool();
      const restore = await breakFile(join(h.dir, file));
      await assert.rejects(h.service.assign(ADMIN, 'alice@example.com'));
      assert.equal(h.service.deviceOf('alice@example.com'), undefined, 'the device stayed in memory');
      assert.deepEqual(h.service.licensePool(), pool);
      const state = h.repo.describe();
      assert.equal(state.ok, false);
      assert.match(state.failing ?? '', /could not be written/);
      await restore();

      const reopened = await h.reopen();
      assert.equal(reopened.service.deviceOf('alice@example.com'), undefined, 'the device came back after a restart');
      assert.deepEqual((await reopened.service.auditTrail({ limit: 10 })).map((r) => `${r.action} ${r.email}`), ['assign bob@example.com']);
      await reopened.service.assign(ADMIN, 'alice@example.com');
      assert.equal(reopened.repo.describe().ok, true);
      await reopened.close();
    });
  }

  it('a later write that succeeds clears the failure', async () => {
    const h = await openDomain();
    const restore = await breakFile(join(h.dir, JOURNAL_FILE));
    await assert.rejects(h.service.assign(ADMIN, 'alice@example.com'));
    await restore();
    await h.service.assign(ADMIN, 'alice@example.com');
    assert.deepEqual(h.repo.describe(), { schemaVersion: 1, devices: 1, ok: true });
    await h.close();
  });

  it('a change whose audit record never reached the audit file (killed in between) gets it at the next start', async () => {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    const audit = join(h.dir, AUDIT_FILE);
    const before = await readFile(audit, 'utf8');
    await h.repo.close();
    // What a SIGKILL between the journal append and the audit append leaves: the journal holds the change.
    await writeFile(audit, '');
    const reopened = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    assert.equal(await readFile(audit, 'utf8'), before);
    await reopened.close();
  });

  it('/healthz answers 503 while the store is failing', async () => {
    const h = await openDomain();
    const http = createHttpApp({ service: h.service, esimProviderToken: undefined, version: '1.0.0', storeState: () => h.repo.describe(), log: () => undefined });
    const server = http.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    try {
      assert.equal((await fetch(url)).status, 200);
      const restore = await breakFile(join(h.dir, JOURNAL_FILE));
      await assert.rejects(h.service.assign(ADMIN, 'alice@example.com'));
      const res = await fetch(url);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { store: { ok: boolean; failing: string } };
      assert.equal(body.store.ok, false);
      assert.match(body.store.failing, /could not be written/);
      await restore();
    } finally {
      server.close();
      await h.close();
    }
  });
});

describe('lowdb store: damaged files', () => {
  /** A store holding alice, bob (deleted later) and carol, each change a journal line. */
  async function storeWithJournal(): Promise<{ dir: string; journal: string[] }> {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    await h.service.assign(ADMIN, 'bob@example.com');
    await h.service.deleteDevice(ADMIN, 'bob@example.com');
    await h.service.assign(ADMIN, 'carol@example.com');
    await h.repo.close();
    const journal = (await readFile(join(h.dir, JOURNAL_FILE), 'utf8')).split('\n');
    return { dir: h.dir, journal };
  }

  it('a changed byte in a middle journal line stops the start, names the line, and changes no file', async () => {
    const { dir, journal } = await storeWithJournal();
    const deleteLine = journal.findIndex((line) => line.includes('"devices"') && line.includes(':null'));
    assert.ok(deleteLine > 0, 'the delete is a journal line of its own');
    // Still JSON, still the right shape: only the checksum tells.
    journal[deleteLine] = journal[deleteLine]!.replace('"delete"', '"delets"');
    await writeFile(join(dir, JOURNAL_FILE), journal.join('\n'));
    const before = await filesIn(dir);
    const error = await openError(dir);
    assert.ok(error.message.includes(join(dir, JOURNAL_FILE)), error.message);
    assert.match(error.message, new RegExp(`line ${deleteLine + 1}\\b`));
    assert.match(error.message, /npm run store:recover/);
    assert.deepEqual(await filesIn(dir), before);
    await rm(dir, { recursive: true });
  });

  it('a journal line of the wrong shape stops the start', async () => {
    const { dir, journal } = await storeWithJournal();
    journal.splice(1, 0, journalLine({ devices: { d1: 5 } } as never), JSON.stringify({ devices: { d2: { email: 3 } } }));
    await writeFile(join(dir, JOURNAL_FILE), journal.join('\n'));
    const before = await filesIn(dir);
    assert.match((await openError(dir)).message, /line 2\b/);
    assert.deepEqual(await filesIn(dir), before);
    journal.splice(1, 1);
    await writeFile(join(dir, JOURNAL_FILE), journal.join('\n'));
    assert.match((await openError(dir)).message, /line 2\b/);
    await rm(dir, { recursive: true });
  });

  it('a snapshot replaced by null, or deleted while the journal remains, stops the start and is not overwritten', async () => {
    const { dir } = await storeWithJournal();
    await writeFile(join(dir, STATE_FILE), 'null');
    let before = await filesIn(dir);
    assert.ok((await openError(dir)).message.includes(join(dir, STATE_FILE)));
    assert.deepEqual(await filesIn(dir), before);
    await rm(join(dir, STATE_FILE));
    before = await filesIn(dir);
    const error = await openError(dir);
    assert.ok(error.message.includes(join(dir, STATE_FILE)), error.message);
    assert.match(error.message, /missing/);
    assert.deepEqual(await filesIn(dir), before);
    await rm(dir, { recursive: true });
  });

  it('a torn last journal line (never acknowledged) is dropped, and the start says so', async () => {
    const { dir, journal } = await storeWithJournal();
    const torn = journal.filter(Boolean).join('\n') + '\n' + journalLine({ admins: ['x@example.com'] }).slice(0, 20);
    await writeFile(join(dir, JOURNAL_FILE), torn);
    const logs: string[] = [];
    const repo = await LowdbRepository.open(dir, seed, (line) => logs.push(line));
    assert.deepEqual(repo.read((r) => r.devices().map((d) => d.email).sort()), ['alice@example.com', 'carol@example.com']);
    assert.deepEqual(repo.read((r) => r.admins()), [ADMIN]);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /torn last line/);
    await repo.close();
    await rm(dir, { recursive: true });
  });

  it('a last change whose new code did not reach the codes file (never acknowledged) is dropped, and the start says so', async () => {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    const bob = await h.service.assign(ADMIN, 'bob@example.com');
    await h.repo.close();
    // What a crash between the two files' syncs can leave: the journal line, not the code's.
    const codes = join(h.dir, CODES_FILE);
    await writeFile(codes, (await readFile(codes, 'utf8')).split('\n').map((line) => (line.includes(bob.activation.matchingId) ? ' '.repeat(line.length) : line)).join('\n'));
    const logs: string[] = [];
    const repo = await LowdbRepository.open(h.dir, seed, (line) => logs.push(line));
    assert.deepEqual(repo.read((r) => r.devices().map((d) => d.email)), ['alice@example.com']);
    assert.match(logs.join('\n'), /was dropped/);
    await repo.close();
    const reopened = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    await reopened.service.assign(ADMIN, 'bob@example.com');
    assert.deepEqual(reopened.service.devices().map((d) => d.email).sort(), ['alice@example.com', 'bob@example.com']);
    await reopened.close();
  });

  it('a line of the codes file cut short by a crash is replaced by the next one', async () => {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    // Folded in: no compaction at the next start rewrites the codes file.
    await (await h.reopen()).repo.close();
    const codes = join(h.dir, CODES_FILE);
    await writeFile(codes, (await readFile(codes, 'utf8')) + 'e3b0c44298fc1c14 {"key":"torn');
    const reopened = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    const bob = await reopened.service.assign(ADMIN, 'bob@example.com');
    await reopened.repo.close();
    const again = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    assert.equal(again.service.currentActivation('bob@example.com')?.matchingId, bob.activation.matchingId);
    assert.ok(again.service.currentActivation('alice@example.com'));
    await again.close();
  });

  it('store:recover keeps a copy of the damaged files, keeps what can be read and says what it dropped', async () => {
    const { dir, journal } = await storeWithJournal();
    const deleteLine = journal.findIndex((line) => line.includes(':null'));
    journal[deleteLine] = journal[deleteLine]!.replace(':null', ':nul ');
    await writeFile(join(dir, JOURNAL_FILE), journal.join('\n'));
    const damaged = await filesIn(dir);
    const printed: string[] = [];
    const backup = await recoverStore(dir, (line) => printed.push(line));
    assert.match(printed.join('\n'), new RegExp(`dropped line ${deleteLine + 1}\\b`));
    for (const [name, content] of Object.entries(damaged)) assert.equal(await readFile(join(backup, name), 'utf8'), content, name);
    const repo = await LowdbRepository.open(dir, seed);
    // The delete was lost with its line: bob is back, everything else is kept.
    assert.deepEqual(repo.read((r) => r.devices().map((d) => d.email).sort()), ['alice@example.com', 'bob@example.com', 'carol@example.com']);
    await repo.close();
    await rm(dir, { recursive: true });
  });
});

describe('lowdb store: store:recover after a compaction was cut short', () => {
  it('keeps the sealed journal and the journal after it, in order, and leaves one journal', async () => {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    await h.service.assign(ADMIN, 'bob@example.com');
    await h.repo.close();
    const journal = (await readFile(join(h.dir, JOURNAL_FILE), 'utf8')).split('\n').filter(Boolean);
    // Sealed: alice; after it: bob's line, then a line damaged by hand.
    await writeFile(join(h.dir, 'webex-go.journal.1.jsonl'), journal.slice(0, -1).map((l) => l + '\n').join(''), { mode: 0o600 });
    await writeFile(join(h.dir, JOURNAL_FILE), `${journal.at(-1)}\n${journal.at(-1)!.replace('bob@', 'bxb@')}\n`);
    assert.match((await openError(h.dir)).message, new RegExp(`${JOURNAL_FILE} is damaged at line 2`));
    const printed: string[] = [];
    await recoverStore(h.dir, (line) => printed.push(line));
    assert.match(printed.join('\n'), /dropped line 2\b/);
    assert.ok(!(await readdir(h.dir)).includes('webex-go.journal.1.jsonl'));
    const reopened = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    assert.deepEqual(reopened.service.devices().map((d) => d.email).sort(), ['alice@example.com', 'bob@example.com']);
    assert.deepEqual((await reopened.service.auditTrail({ limit: 10 })).map((r) => r.email), ['bob@example.com', 'alice@example.com']);
    await reopened.close();
  });
});

describe('lowdb store: secrets on disk', () => {
  it('never writes a spent code in clear, keeps the current one for resend, and its files are 0600', async () => {
    const h = await openDomain();
    const first = await h.service.assign(ADMIN, 'alice@example.com');
    const second = await h.service.newCode(ADMIN, 'alice@example.com');
    const third = await h.service.assign(ADMIN, 'bob@example.com');
    await h.service.download(third.activation.qrPayload);
    await h.repo.close();
    for (const [name, content] of Object.entries(await filesIn(h.dir))) {
      assert.ok(!content.includes(first.activation.matchingId), `${name} holds a spent code`);
      assert.ok(!content.includes(third.activation.matchingId), `${name} holds a used code`);
      if (name !== CODES_FILE) assert.ok(!content.includes(second.activation.matchingId), `${name} holds a code in clear`);
      assert.equal((await stat(join(h.dir, name))).mode & 0o777, 0o600, name);
    }
    const reopened = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    assert.equal(reopened.service.currentActivation('alice@example.com')?.matchingId, second.activation.matchingId);
    await reopened.close();
  });

  it('moves the Matching IDs an older build kept in the snapshot out of it at start, dropping spent ones', async () => {
    const h = await openDomain();
    const spent = await h.service.assign(ADMIN, 'alice@example.com');
    const live = await h.service.newCode(ADMIN, 'alice@example.com');
    // A restart folds the journal into the snapshot.
    await (await h.reopen()).repo.close();
    const path = join(h.dir, STATE_FILE);
    const snapshot = JSON.parse(await readFile(path, 'utf8')) as { codes: Record<string, { matchingId?: string }> };
    for (const { activation } of [spent, live]) snapshot.codes[codeKey(activation.matchingId)]!.matchingId = activation.matchingId;
    await writeFile(path, JSON.stringify(snapshot));
    await rm(join(h.dir, CODES_FILE));
    const reopened = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    const files = await filesIn(h.dir);
    assert.ok(!JSON.stringify(files).includes(spent.activation.matchingId), 'a spent code is still on disk in clear');
    assert.ok(!files[STATE_FILE]!.includes(live.activation.matchingId));
    assert.equal(reopened.service.currentActivation('alice@example.com')?.matchingId, live.activation.matchingId);
    await reopened.close();
  });
});

describe('lowdb store: durable and without stalls', () => {
  it('resolves a transaction only once its journal line is fdatasync\'ed', async () => {
    const h = await openDomain();
    const probe = await openFile(join(h.dir, STATE_FILE), 'r');
    const FileHandle = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const synced: number[] = [];
    const datasync = sinon.stub(FileHandle, 'datasync').callsFake(async function (this: unknown) {
      synced.push(await stat(join(h.dir, JOURNAL_FILE)).then((s) => s.size, () => 0));
      return datasync.wrappedMethod.call(this);
    });
    try {
      await h.service.assign(ADMIN, 'alice@example.com');
      const size = (await stat(join(h.dir, JOURNAL_FILE))).size;
      assert.ok(synced.includes(size), `the journal was not synced at ${size} bytes (synced at ${synced.join(', ')})`);
    } finally {
      datasync.restore();
    }
    await h.close();
  });

  it('transactions that queue while one is written share the next fdatasync (group commit)', async () => {
    const h = await openDomain({ licenses: 100 });
    const probe = await openFile(join(h.dir, STATE_FILE), 'r');
    const FileHandle = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = sinon.spy(FileHandle, 'datasync');
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => h.service.assign(ADMIN, `user${i}@example.com`)));
      // Alone, each assign would sync the codes file and the journal: 80 syncs.
      assert.ok(datasync.callCount <= 20, `${datasync.callCount} syncs for 40 assigns`);
    } finally {
      datasync.restore();
    }
    const reopened = await h.reopen();
    assert.equal(reopened.service.devices().length, 40);
    await reopened.close();
  });

  it('a start with nothing in the journal rewrites no file', async () => {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    // The first restart folds the journal in; the second finds nothing to do.
    const folded = await h.reopen();
    await folded.repo.close();
    const before = await filesIn(h.dir);
    const snapshot = await stat(join(h.dir, STATE_FILE));
    const again = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    await again.repo.close();
    assert.deepEqual(await filesIn(h.dir), before);
    const after = await stat(join(h.dir, STATE_FILE));
    assert.equal(after.ino, snapshot.ino, 'the snapshot was replaced');
    assert.equal(after.mtimeMs, snapshot.mtimeMs, 'the snapshot was written');
    assert.equal(again.service.deviceOf('alice@example.com')?.status, 'pending');
    await rm(h.dir, { recursive: true });
  });

  it('a compaction folds the journal in while transactions go on; a restart holds every one', async () => {
    const h = await openDomain({ licenses: 1000 });
    for (let i = 0; i < 50; i++) await h.service.assign(ADMIN, `before${i}@example.com`);
    const compaction = h.repo.compactNow();
    const during = Promise.all(Array.from({ length: 50 }, (_, i) => h.service.assign(ADMIN, `during${i}@example.com`)));
    await h.service.deleteDevice(ADMIN, 'before0@example.com');
    await Promise.all([compaction, during]);
    const emails = h.service.devices().map((d) => d.email).sort();
    assert.equal(emails.length, 99);
    assert.ok(!(await readdir(h.dir)).some((name) => /journal\.\d+\.jsonl$/.test(name)), 'a sealed journal was left');
    const reopened = await h.reopen();
    assert.deepEqual(reopened.service.devices().map((d) => d.email).sort(), emails);
    await reopened.close();
  });

  it('a crash at any step of a compaction reopens to the same state', async () => {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    await h.service.assign(ADMIN, 'bob@example.com');
    await h.service.deleteDevice(ADMIN, 'bob@example.com');
    await h.repo.close();
    const oldSnapshot = await readFile(join(h.dir, STATE_FILE), 'utf8');
    const sealedJournal = await readFile(join(h.dir, JOURNAL_FILE), 'utf8');
    // A restart folds that journal in; carol then goes to a new journal.
    const restarted = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    await restarted.repo.close();
    const newSnapshot = await readFile(join(h.dir, STATE_FILE), 'utf8');
    const withCarol = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    await withCarol.service.assign(ADMIN, 'carol@example.com');
    await withCarol.repo.close();
    const journal = await readFile(join(h.dir, JOURNAL_FILE), 'utf8');
    const crashes = {
      'after the journal was sealed, before the snapshot was replaced': oldSnapshot,
      'after the snapshot was replaced, before the sealed journal was removed': newSnapshot,
    };
    for (const [when, snapshot] of Object.entries(crashes)) {
      await writeFile(join(h.dir, STATE_FILE), snapshot);
      await writeFile(join(h.dir, 'webex-go.journal.1.jsonl'), sealedJournal, { mode: 0o600 });
      await writeFile(join(h.dir, JOURNAL_FILE), journal);
      const reopened = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
      assert.deepEqual(reopened.service.devices().map((d) => d.email).sort(), ['alice@example.com', 'carol@example.com'], when);
      assert.deepEqual((await reopened.service.auditTrail({ limit: 10 })).map((r) => `${r.action} ${r.email}`), [
        'assign carol@example.com',
        'delete bob@example.com',
        'assign bob@example.com',
        'assign alice@example.com',
      ], when);
      await reopened.repo.close();
      assert.ok(!(await readdir(h.dir)).includes('webex-go.journal.1.jsonl'), `${when}: the sealed journal was not folded in`);
    }
    await rm(h.dir, { recursive: true });
  });
});

describe('lowdb store: bounded growth', () => {
  it('files audit records by month and still reads the single audit file of an older build', async () => {
    const h = await openDomain();
    await h.service.assign(ADMIN, 'alice@example.com');
    await h.repo.close();
    // What an older build wrote: one audit file, journal lines without a month.
    const old = [
      { at: '2026-10-01T09:00:00.000Z', actor: ADMIN, action: 'assign', email: 'bob@example.com', outcome: 'ok' },
      { at: '2026-10-02T09:00:00.000Z', actor: ADMIN, action: 'settings', outcome: 'ok' },
    ];
    await writeFile(join(h.dir, LEGACY_AUDIT_FILE), old.map((r) => JSON.stringify(r) + '\n').join(''), { mode: 0o600 });
    h.clock.advance(10 * 86_400_000);
    const reopened = await h.reopen();
    await reopened.service.assign(ADMIN, 'bob@example.com');
    assert.ok((await readdir(h.dir)).includes(auditFileName('2026-12')), 'December has its file');
    const trail = await reopened.service.auditTrail({ limit: 10 });
    assert.deepEqual(trail.map((r) => `${r.at.slice(0, 10)} ${r.action} ${r.email ?? ''}`), [
      '2026-12-06 assign bob@example.com',
      '2026-11-26 assign alice@example.com',
      '2026-10-02 settings ',
      '2026-10-01 assign bob@example.com',
    ]);
    assert.deepEqual((await reopened.service.auditTrail({ email: 'bob@example.com', limit: 10 })).map((r) => r.at.slice(0, 10)), ['2026-12-06', '2026-10-01']);
    await reopened.close();
  });

  it('moves the codes file of an older build (one JSON object) to the line-per-code file', async () => {
    const h = await openDomain();
    const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
    await h.repo.close();
    await rm(join(h.dir, CODES_FILE));
    await writeFile(join(h.dir, LEGACY_CODES_FILE), JSON.stringify({ [codeKey(activation.matchingId)]: activation.matchingId }), { mode: 0o600 });
    const reopened = await openDomain({}, [ADMIN], { dir: h.dir, clock: h.clock });
    assert.equal(reopened.service.currentActivation('alice@example.com')?.matchingId, activation.matchingId);
    const names = await readdir(h.dir);
    assert.ok(!names.includes(LEGACY_CODES_FILE) && names.includes(CODES_FILE), names.join(', '));
    await reopened.close();
  });

  it('prunes at start what the retention period is over for', async () => {
    const h = await openDomain();
    const first = await h.service.assign(ADMIN, 'alice@example.com');
    await h.service.newCode(ADMIN, 'alice@example.com');
    await h.repo.close();
    const spent = codeKey(first.activation.matchingId);
    const expires = new Date(first.activation.expiresAt).getTime();
    const later = (days: number) => LowdbRepository.open(h.dir, seed, undefined, { retentionDays: 400, now: () => new Date(expires + days * 86_400_000) });
    let repo = await later(399);
    assert.equal(repo.read((r) => r.code(spent)?.state), 'invalidated');
    await repo.close();
    repo = await later(401);
    assert.equal(repo.read((r) => r.code(spent)), undefined);
    assert.equal(repo.read((r) => r.deviceByEmail('alice@example.com')?.status), 'pending');
    await repo.close();
    await rm(h.dir, { recursive: true });
  });
});
