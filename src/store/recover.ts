/**
 * `npm run store:recover -- <DATA_DIR>`: after a start stopped on a damaged store, keeps a copy
 * of the store's files, keeps what can still be read and says what it dropped. The next start
 * then opens what is left.
 */
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isStoreData, journalLine, readJournal, type StoreData } from './journal.js';
import { SCHEMA_VERSION, auditText, storePaths, writePrivately } from './lowdbRepository.js';

/** Recovers the store in `dataDir`; returns the folder holding the copy of the files as they were. */
export async function recoverStore(dataDir: string, print: (line: string) => void): Promise<string> {
  const paths = storePaths(dataDir);
  const present = await Promise.all(Object.values(paths).map((path) => stat(path).then(() => true, () => false)));
  if (!present.includes(true)) throw new Error(`There is no store in ${dataDir}.`);
  const backup = join(dataDir, `damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  // The copy holds the live codes too: for the bot's user alone.
  await mkdir(backup, { mode: 0o700 });
  for (const path of Object.values(paths)) {
    await copyFile(path, join(backup, basename(path))).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  print(`A copy of the store's files as they were is in ${backup}.`);

  const journal = await readJournal(paths.journal);
  for (const { line, problem } of journal.damaged) print(`The journal ${paths.journal}: dropped line ${line} (${problem}).`);
  if (journal.torn) print(`The journal ${paths.journal}: dropped line ${journal.torn.line} (cut short by a crash, never acknowledged).`);

  const snapshot = await readSnapshot(paths.state);
  if (typeof snapshot === 'string') {
    // Rebuilt from the journal alone: it must at least say who administers what.
    const settings = [...journal.entries].reverse().find((e) => e.settings)?.settings;
    const admins = [...journal.entries].reverse().find((e) => e.admins)?.admins;
    if (!settings || !admins) {
      throw new Error(`The store file ${paths.state} ${snapshot}, and the journal does not hold the settings and admins: restore ${paths.state} from a backup.`);
    }
    await writePrivately(paths.state, JSON.stringify({ schemaVersion: SCHEMA_VERSION, settings, admins, devices: {}, codes: {}, profiles: {} } satisfies StoreData));
    print(`The store file ${paths.state} ${snapshot}: rebuilt from the journal alone; what only it held is lost.`);
  }

  try {
    JSON.parse(await readFile(paths.codes, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(paths.codes);
      print(`The codes file ${paths.codes} could not be read: dropped. Pending users need a new activation code.`);
    }
  }

  // Audit records the audit file lost are appended again at the next start, from the journal.
  let auditSize = await stat(paths.audit).then((s) => s.size, () => 0);
  for (const entry of journal.entries) {
    if (!entry.audit) continue;
    if (entry.audit.from > auditSize) {
      print(`The audit file ${paths.audit} is shorter than the journal knew it: the journal's audit records are added again.`);
      entry.audit.from = auditSize;
    }
    auditSize = Math.max(auditSize, entry.audit.from + Buffer.byteLength(auditText(entry.audit.records)));
  }
  await writePrivately(paths.journal, journal.entries.map(journalLine).join(''));
  const kept = journal.entries.length;
  print(`Kept ${kept} journal line${kept === 1 ? '' : 's'}. Start the bot again.`);
  return backup;
}

/** The snapshot's data, or what is wrong with it. */
async function readSnapshot(path: string): Promise<StoreData | string> {
  try {
    const data: unknown = JSON.parse(await readFile(path, 'utf8'));
    return isStoreData(data) ? data : 'is not a webex-go-bot store';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'cannot be read';
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dataDir = process.argv[2];
  if (!dataDir) {
    console.error('Usage: npm run store:recover -- <DATA_DIR>');
    process.exit(2);
  }
  await recoverStore(dataDir, (line) => console.log(line)).catch((error: Error) => {
    console.error(`Cannot recover: ${error.message}`);
    process.exit(1);
  });
}
