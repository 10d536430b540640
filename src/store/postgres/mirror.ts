import type { StoreReader, StoreTransaction } from '../../domain/repository.js';
import { languageKey, type AuditRecord, type CodeRecord, type Device, type DeviceStatus, type Language, type LanguageHolder, type OrgSettings, type OutboxEntry, type ProfileRecord } from '../../domain/types.js';

/** What one transaction changed: a row put, or (devices, outbox) removed as null. */
export interface Changes {
  settings?: OrgSettings;
  admins?: string[];
  devices: Map<string, Device | null>;
  codes: Map<string, CodeRecord>;
  profiles: Map<string, ProfileRecord>;
  outbox: Map<string, OutboxEntry | null>;
  /** By languageKey. */
  languages: Map<string, Language>;
  audit: AuditRecord[];
}

export function noChanges(): Changes {
  return { devices: new Map(), codes: new Map(), profiles: new Map(), outbox: new Map(), languages: new Map(), audit: [] };
}

/** Which rows a transaction changed, as the change log keeps it for the other instances. */
export interface ChangedKeys {
  settings?: true;
  admins?: true;
  devices?: string[];
  codes?: string[];
  profiles?: string[];
  outbox?: string[];
  languages?: string[];
}

/** The keys of what `changes` puts or removes (the audit is not mirrored); nothing when it changes no row. */
export function changedKeys(changes: Changes): ChangedKeys | undefined {
  const keys: ChangedKeys = {};
  if (changes.settings) keys.settings = true;
  if (changes.admins) keys.admins = true;
  const tables = ['devices', 'codes', 'profiles', 'outbox', 'languages'] as const;
  for (const table of tables) if (changes[table].size) keys[table] = [...changes[table].keys()];
  return Object.keys(keys).length ? keys : undefined;
}

/** Adds `more` to `keys`, for a catch-up over several change log rows. */
export function mergeKeys(keys: ChangedKeys, more: ChangedKeys): ChangedKeys {
  const tables = ['devices', 'codes', 'profiles', 'outbox', 'languages'] as const;
  const merged: ChangedKeys = { ...keys };
  if (more.settings) merged.settings = true;
  if (more.admins) merged.admins = true;
  for (const table of tables) if (more[table]) merged[table] = [...new Set([...(keys[table] ?? []), ...more[table]])];
  return merged;
}

export function withoutSecret(code: CodeRecord): CodeRecord {
  const { matchingId: _secret, ...rest } = code;
  return rest;
}

/** A Matching ID is kept only while its code can be redeemed. */
export function redeemableSecret(code: CodeRecord): string | undefined {
  return code.state === 'valid' ? code.matchingId : undefined;
}

/**
 * The committed state held in memory, so that the domain's synchronous reads cost no round trip.
 * Changed only by `apply`, with what was committed (by this instance or, caught up, by others).
 */
export class Mirror implements StoreReader {
  private readonly byEmail = new Map<string, string>();
  private readonly deviceRows = new Map<string, Device>();
  private readonly codeRows = new Map<string, CodeRecord>();
  private readonly profileRows = new Map<string, ProfileRecord>();
  private readonly outboxRows = new Map<string, OutboxEntry>();
  private readonly languageRows = new Map<string, Language>();

  constructor(
    private settingsRow: OrgSettings,
    private adminsRow: string[],
  ) {}

  apply(changes: Changes): void {
    if (changes.settings) this.settingsRow = changes.settings;
    if (changes.admins) this.adminsRow = changes.admins;
    for (const [id, device] of changes.devices) {
      const before = this.deviceRows.get(id);
      if (before) this.byEmail.delete(before.email);
      if (device) {
        this.deviceRows.set(id, device);
        this.byEmail.set(device.email, id);
      } else {
        this.deviceRows.delete(id);
      }
    }
    for (const [key, code] of changes.codes) this.codeRows.set(key, redeemableSecret(code) ? code : withoutSecret(code));
    for (const [iccid, profile] of changes.profiles) this.profileRows.set(iccid, profile);
    for (const [id, entry] of changes.outbox) {
      if (entry) this.outboxRows.set(id, entry);
      else this.outboxRows.delete(id);
    }
    for (const [key, language] of changes.languages) this.languageRows.set(key, language);
  }

  settings(): OrgSettings {
    return this.settingsRow;
  }
  admins(): string[] {
    return this.adminsRow;
  }
  device(id: string): Device | undefined {
    return this.deviceRows.get(id);
  }
  deviceByEmail(email: string): Device | undefined {
    const id = this.byEmail.get(email);
    return id === undefined ? undefined : this.deviceRows.get(id);
  }
  devices(status?: DeviceStatus): Device[] {
    const all = [...this.deviceRows.values()];
    return status ? all.filter((d) => d.status === status) : all;
  }
  deviceCount(): number {
    return this.deviceRows.size;
  }
  code(key: string): CodeRecord | undefined {
    return this.codeRows.get(key);
  }
  profile(iccid: string): ProfileRecord | undefined {
    return this.profileRows.get(iccid);
  }
  outbox(): OutboxEntry[] {
    return byAge([...this.outboxRows.values()]);
  }
  language(holder: LanguageHolder): Language | undefined {
    return this.languageRows.get(languageKey(holder));
  }
}

/** Buffers one transaction's writes over the mirror; its reads see them before anyone else does. */
export class WriteBuffer implements StoreTransaction {
  readonly changes = noChanges();

  constructor(private readonly base: StoreReader) {}

  settings(): OrgSettings {
    return this.changes.settings ?? this.base.settings();
  }
  admins(): string[] {
    return this.changes.admins ?? this.base.admins();
  }
  device(id: string): Device | undefined {
    const changed = this.changes.devices.get(id);
    return changed === null ? undefined : (changed ?? this.base.device(id));
  }
  deviceByEmail(email: string): Device | undefined {
    for (const device of this.changes.devices.values()) if (device?.email === email) return device;
    const stored = this.base.deviceByEmail(email);
    // A stored device this transaction removed or moved to another email is no longer found by this one.
    return stored && this.device(stored.id)?.email === email ? this.device(stored.id) : undefined;
  }
  devices(status?: DeviceStatus): Device[] {
    const merged = new Map(this.base.devices().map((d) => [d.id, d]));
    for (const [id, device] of this.changes.devices) {
      if (device) merged.set(id, device);
      else merged.delete(id);
    }
    return [...merged.values()].filter((d) => !status || d.status === status);
  }
  deviceCount(): number {
    let count = this.base.deviceCount();
    for (const [id, device] of this.changes.devices) {
      const stored = this.base.device(id) !== undefined;
      if (device && !stored) count++;
      if (!device && stored) count--;
    }
    return count;
  }
  code(key: string): CodeRecord | undefined {
    return this.changes.codes.get(key) ?? this.base.code(key);
  }
  profile(iccid: string): ProfileRecord | undefined {
    return this.changes.profiles.get(iccid) ?? this.base.profile(iccid);
  }
  outbox(): OutboxEntry[] {
    const merged = new Map(this.base.outbox().map((e) => [e.id, e]));
    for (const [id, entry] of this.changes.outbox) {
      if (entry) merged.set(id, entry);
      else merged.delete(id);
    }
    return byAge([...merged.values()]);
  }
  language(holder: LanguageHolder): Language | undefined {
    return this.changes.languages.get(languageKey(holder)) ?? this.base.language(holder);
  }

  putSettings(settings: OrgSettings): void {
    this.changes.settings = settings;
  }
  putAdmins(emails: string[]): void {
    this.changes.admins = emails;
  }
  putDevice(device: Device): void {
    this.changes.devices.set(device.id, device);
  }
  removeDevice(id: string): void {
    this.changes.devices.set(id, null);
  }
  putCode(code: CodeRecord): void {
    this.changes.codes.set(code.key, code);
  }
  putProfile(profile: ProfileRecord): void {
    this.changes.profiles.set(profile.iccid, profile);
  }
  putOutbox(entry: OutboxEntry): void {
    this.changes.outbox.set(entry.id, entry);
  }
  removeOutbox(id: string): void {
    this.changes.outbox.set(id, null);
  }
  putLanguage(holder: LanguageHolder, language: Language): void {
    this.changes.languages.set(languageKey(holder), language);
  }
  audit(record: AuditRecord): void {
    this.changes.audit.push(record);
  }
}

/** Oldest first. */
function byAge(entries: OutboxEntry[]): OutboxEntry[] {
  return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}
