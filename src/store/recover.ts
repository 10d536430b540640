/**
 * `npm run store:recover -- <DATA_DIR>`: after a start stopped on a damaged store, keeps a copy
 * of the store's files, keeps what can still be read and says what it dropped. The next start
 * then opens what is left.
 */
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { auditFileName, auditText } from './auditLog.js';
import { CodesFile } from './codesFile.js';
import { replaceDurably } from './durableFile.js';
import { isStoreData, journalLine, readJournal, type JournalEntry, type StoreData } from './journal.js';
import { JOURNAL_FILE, SCHEMA_VERSION, storeFiles, storePaths } from './lowdbRepository.js';

/** Recovers the store in `dataDir`; returns the folder holding the copy of the files as they were. */
export async function recoverStore(dataDir: string, print: (line: string) => void): Promise<string> {
  const paths = storePaths(dataDir);
  const files = await storeFiles(dataDir);
  if (!files.all.length) throw new Error(`There is no store in ${dataDir}.`);
  const backup = join(dataDir, `damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  // The copy holds the live codes too: for the bot's user alone.
  await mkdir(backup, { mode: 0o700 });
  for (const name of files.all) await copyFile(join(dataDir, name), join(backup, name));
  print(`A copy of the store's files as they were is in ${backup}.`);

  const entries: JournalEntry[] = [];
  for (const name of files.journals) {
    const path = join(dataDir, name);
    const journal = await readJournal(path);
    for (const { line, problem } of journal.damaged) print(`The journal ${path}: dropped line ${line} (${problem}).`);
    if (journal.torn) print(`The journal ${path}: dropped line ${journal.torn.line} (cut short by a crash, never acknowledged).`);
    entries.push(...journal.entries);
  }

  const snapshot = await readSnapshot(paths.state);
  if (typeof snapshot === 'string') {
    // Rebuilt from the journal alone: it must at least say who administers what.
    const settings = [...entries].reverse().find((e) => e.settings)?.settings;
    const admins = [...entries].reverse().find((e) => e.admins)?.admins;
    if (!settings || !admins) {
      throw new Error(`The store file ${paths.state} ${snapshot}, and the journal does not hold the settings and admins: restore ${paths.state} from a backup.`);
    }
    await replaceDurably(paths.state, [JSON.stringify({ schemaVersion: SCHEMA_VERSION, settings, admins, devices: {}, codes: {}, profiles: {} } satisfies StoreData)]);
    print(`The store file ${paths.state} ${snapshot}: rebuilt from the journal alone; what only it held is lost.`);
  }

  // Lines of the codes file that cannot be read are skipped at start; an older build's JSON file cannot be skipped in part.
  const codes = await CodesFile.open(paths.codes, paths.legacyCodes).catch(() => undefined);
  if (codes) await codes.file.close();
  else {
    await rm(paths.legacyCodes);
    print(`The codes file ${paths.legacyCodes} could not be read: dropped. Pending users need a new activation code.`);
  }

  // Audit records an audit file lost are appended again at the next start, from the journal.
  const auditSizes = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.audit) continue;
    const path = join(dataDir, auditFileName(entry.audit.month));
    const size = auditSizes.get(path) ?? (await stat(path).then((s) => s.size, () => 0));
    if (entry.audit.from > size) {
      print(`The audit file ${path} is shorter than the journal knew it: the journal's audit records are added again.`);
      entry.audit.from = size;
    }
    auditSizes.set(path, Math.max(size, entry.audit.from + Buffer.byteLength(auditText(entry.audit.records))));
  }
  await replaceDurably(paths.journal, [entries.map(journalLine).join('')]);
  for (const name of files.journals) if (name !== JOURNAL_FILE) await rm(join(dataDir, name));
  const kept = entries.length;
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
