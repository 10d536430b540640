import { createHash } from 'node:crypto';
import { isSmdpAddress, parseActivationCode, qrPayload } from './activationCode.js';
import { emailProblem, isEmail, normalizeEmail } from './email.js';
import { isIccid } from './iccid.js';
import { planOrgSync, type ListedDevice, type ListingScope, type OrgChangeKind } from './org.js';
import { Refusal, isRefusal } from './refusal.js';
import type { AuditQuery, DeliveryClaim, Repository, StoreReader, StoreTransaction } from './repository.js';
import type { Clock, EsimProvider } from './ports.js';
import {
  languageFromWebex,
  ORG_ACTOR,
  PHONE_ACTOR,
  STATUS_INDICATOR,
  type ActivationDetails,
  type AdminAction,
  type AuditAction,
  type AuditRecord,
  type ChangeCause,
  type CodeRecord,
  type DeviceChange,
  type ReminderDue,
  type ReminderKind,
  type Device,
  type DeviceStatus,
  type DeviceView,
  type Language,
  type LanguageHolder,
  type LanguageSource,
  type LicensePool,
  type OrgSettings,
  type OutboxEntry,
  type PhoneAction,
} from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const CODE_TTL_DAYS_RANGE = { min: 1, max: 365 } as const;
export const LICENSES_MAX = 1_000_000;

export type PhoneEvent = 'disabled' | 'enabled' | 'deleted';
export const PHONE_EVENTS: readonly PhoneEvent[] = ['disabled', 'enabled', 'deleted'];

/** The outcome of an action that issued a code: the device and, for private eyes only, the code. */
export interface IssuedCode {
  device: DeviceView;
  activation: ActivationDetails;
  /** Lost/stolen only: the ICCID whose line was cut off, if a phone had one. */
  revokedIccid?: string;
}

export interface DeletedDevice {
  device: DeviceView;
  /** Cisco's help for Webex Go: the user must still delete the deactivated line on the phone by hand. */
  userMustRemoveLine: true;
}

export type SettingsPatch = Partial<OrgSettings>;

/** What one listing of the org's devices changed in the store. */
export interface OrgSyncOutcome {
  added: number;
  changed: number;
  removed: number;
  /** Stored again without a status change (a new name, product, last seen…). */
  updated: number;
  /** Listed but not stored: a second device for a person who already has one. */
  skipped: number;
}

/** An outbox entry before it is stored: it gets its id and time, and is due at once unless told. */
export type NewOutboxEntry = Omit<OutboxEntry, 'id' | 'queuedAt' | 'nextTryAt'> & { nextTryAt?: string };

export interface ServiceDeps {
  repo: Repository;
  clock: Clock;
  esim: EsimProvider;
  newId: () => string;
  /**
   * The operator's admins (ADMIN_EMAILS): always admins, whatever the stored list says, so that
   * nobody can lock the organisation out of the bot; they can't be removed from inside it.
   */
  breakGlassAdmins?: readonly string[];
  /** The org's language (DEFAULT_LANGUAGE), for whoever chose none; English when unset. */
  defaultLanguage?: Language;
}

/** A hash is enough to recognise a code again; the secret itself need not be kept once spent. */
export function codeKey(matchingId: string): string {
  return createHash('sha256').update(matchingId).digest('hex');
}

/**
 * The Webex Go line service: every state change of the product goes through here. Admin
 * actions check the actor is an admin; every change and every refused admin action is audited.
 */
export class WebexGoService {
  private readonly changeListeners: ((change: DeviceChange) => void)[] = [];

  constructor(private readonly deps: ServiceDeps) {}

  /** Called after every stored change to a device, in the caller's async context. */
  onChange(listener: (change: DeviceChange) => void): void {
    this.changeListeners.push(listener);
  }

  private announce(change: Omit<DeviceChange, 'at'>): void {
    const full = { ...change, at: this.nowIso() };
    for (const listener of this.changeListeners) listener(full);
  }

  /**
   * Pending devices whose current code expires within `remindDays` and whose user was not yet
   * reminded, and those whose code expired and who were not yet told.
   */
  remindersDue(remindDays: number): ReminderDue[] {
    const now = this.deps.clock().getTime();
    const soon = now + remindDays * DAY_MS;
    return this.deps.repo.read((r) =>
      r.devices('pending').flatMap((device): ReminderDue[] => {
        const code = device.currentCodeKey ? r.code(device.currentCodeKey) : undefined;
        if (!code || code.state !== 'valid') return [];
        const expires = Date.parse(code.expiresAt);
        const base = { email: device.email, deviceId: device.id, codeKey: code.key, expiresAt: code.expiresAt };
        if (now >= expires) return code.expiryNoticeAt ? [] : [{ kind: 'expired', ...base }];
        return soon >= expires && !code.remindedAt ? [{ kind: 'expiring', ...base }] : [];
      }),
    );
  }

  /** Records that a reminder went out, so it goes out once per code, across restarts. */
  markReminded(codeKey: string, kind: ReminderKind): Promise<void> {
    return this.deps.repo.transact((tx) => {
      const code = tx.code(codeKey);
      if (!code) return;
      const at = this.nowIso();
      tx.putCode(kind === 'expiring' ? { ...code, remindedAt: at } : { ...code, expiryNoticeAt: at });
      const device = tx.device(code.deviceId);
      tx.audit({
        at,
        actor: 'bot',
        action: kind === 'expiring' ? 'reminder-expiring' : 'notice-expired',
        ...(device ? { email: device.email } : {}),
        deviceId: code.deviceId,
        outcome: 'ok',
      });
    });
  }

  // ---- queries -------------------------------------------------------------------------------

  isAdmin(email: string): boolean {
    const normalized = normalizeEmail(email);
    return this.deps.repo.read((r) => this.allAdmins(r.admins()).includes(normalized));
  }

  admins(): string[] {
    return this.deps.repo.read((r) => this.allAdmins(r.admins()));
  }

  private allAdmins(stored: readonly string[]): string[] {
    return [...new Set([...stored, ...(this.deps.breakGlassAdmins ?? []).map(normalizeEmail)])].sort();
  }

  settings(): OrgSettings {
    return this.deps.repo.read((r) => ({ ...r.settings() }));
  }

  /**
   * The language a person (by email) or a space reads in: the one they chose; else, for a person
   * whose device is the org's, their Webex `preferredLanguage` when it is one the bot writes in;
   * else the org's (DEFAULT_LANGUAGE).
   */
  languageOf(holder: LanguageHolder): Language {
    return this.languageSourceOf(holder).language;
  }

  /** `languageOf`, and where it came from. */
  languageSourceOf(holder: LanguageHolder): { language: Language; source: LanguageSource } {
    const key = 'person' in holder ? { person: normalizeEmail(holder.person) } : holder;
    return this.deps.repo.read((r) => {
      const chosen = r.language(key);
      if (chosen) return { language: chosen, source: 'chosen' as const };
      const webex = 'person' in key ? languageFromWebex(r.deviceByEmail(key.person)?.org?.preferredLanguage) : undefined;
      if (webex) return { language: webex, source: 'webex' as const };
      return { language: this.deps.defaultLanguage ?? 'en', source: 'default' as const };
    });
  }

  licensePool(): LicensePool {
    return this.deps.repo.read((r) => pool(r));
  }

  deviceOf(email: string): DeviceView | undefined {
    return this.deps.repo.read((r) => {
      const device = r.deviceByEmail(normalizeEmail(email));
      return device && this.view(r, device);
    });
  }

  /** Every device with its real status; sorted by email so pages are stable. */
  devices(status?: DeviceStatus): DeviceView[] {
    return this.deps.repo.read((r) =>
      r
        .devices(status)
        .map((d) => this.view(r, d))
        .sort((a, b) => a.email.localeCompare(b.email)),
    );
  }

  /** The stored devices as stored (org mode compares them with the org's listing). */
  storedDevices(): Device[] {
    return this.deps.repo.read((r) => r.devices());
  }

  /** The user's code that can still be redeemed, for sending again to that user only. */
  currentActivation(email: string): ActivationDetails | undefined {
    return this.deps.repo.read((r) => {
      const device = r.deviceByEmail(normalizeEmail(email));
      const code = device?.currentCodeKey ? r.code(device.currentCodeKey) : undefined;
      if (!device || !code?.matchingId || code.state !== 'valid' || this.expired(code)) return undefined;
      return activationDetails(device.email, code);
    });
  }

  auditTrail(query: AuditQuery): Promise<AuditRecord[]> {
    const email = query.email === undefined ? undefined : normalizeEmail(query.email);
    return this.deps.repo.auditTrail({ ...query, email });
  }

  /**
   * Whether `holder` (an instance) is to act on this message or press: `mine` the first time
   * Webex delivers it (or when the instance that claimed it died before it was done), `held`
   * while another instance handles it, `done` once handled: a repeated delivery must not act again.
   */
  claimDelivery(id: string, holder: string): Promise<DeliveryClaim> {
    return this.deps.repo.claimDelivery(id, holder);
  }

  /** Runs the handling of a delivery `holder` claimed: its first change committed marks it done (Repository.handleDelivery). */
  handleDelivery<T>(id: string, holder: string, act: () => Promise<T>): Promise<T> {
    return this.deps.repo.handleDelivery(id, holder, act);
  }

  /** An entry point refused someone before any action ran (e.g. a non-admin command): audit it. */
  recordDenied(actor: string, action: AuditAction, email?: string): Promise<void> {
    const user = email && isEmail(email) ? { email: normalizeEmail(email) } : {};
    return this.auditRefusal({ actor: normalizeEmail(actor), action, ...user }, new Refusal('not-admin'));
  }

  // ---- the outbox ----------------------------------------------------------------------------

  /** Messages waiting to be delivered, oldest first. */
  outbox(): OutboxEntry[] {
    return this.deps.repo.read((r) => r.outbox());
  }

  /** Keeps a message that could not be delivered yet; resolves once it is stored. */
  queueMessage(entry: NewOutboxEntry): Promise<OutboxEntry> {
    const at = this.nowIso();
    const queued: OutboxEntry = { id: this.deps.newId(), queuedAt: at, nextTryAt: at, ...entry };
    return this.deps.repo.transact((tx) => {
      tx.putOutbox(queued);
      return queued;
    });
  }

  /** Records a try of a queued message that did not deliver it. */
  updateQueued(entry: OutboxEntry): Promise<void> {
    return this.deps.repo.transact((tx) => {
      if (tx.outbox().some((e) => e.id === entry.id)) tx.putOutbox(entry);
    });
  }

  /** A queued message was delivered, dropped or given up; `notices` (to admins) replace it in the same write. */
  dequeue(id: string, notices: NewOutboxEntry[] = []): Promise<void> {
    const at = this.nowIso();
    return this.deps.repo.transact((tx) => {
      tx.removeOutbox(id);
      for (const notice of notices) tx.putOutbox({ id: this.deps.newId(), queuedAt: at, nextTryAt: at, ...notice });
    });
  }

  /** The activation details of a device's code, while that code is still the one to redeem. */
  activationFor(deviceId: string, key: string): ActivationDetails | undefined {
    return this.deps.repo.read((r) => {
      const device = r.device(deviceId);
      const code = r.code(key);
      if (!device || device.currentCodeKey !== key || !code?.matchingId || code.state !== 'valid' || this.expired(code)) return undefined;
      return activationDetails(device.email, code);
    });
  }

  // ---- admin actions -------------------------------------------------------------------------

  /** Add a Webex Go device for a user: one license from the pool, a first code. */
  assign(actor: string, email: string): Promise<IssuedCode> {
    return this.adminAction(actor, 'assign', email, (tx, user) => {
      if (tx.deviceByEmail(user)) throw new Refusal('already-assigned', { email: user });
      const { available, total } = pool(tx);
      if (available <= 0) throw new Refusal('no-licenses', { total });
      const now = this.nowIso();
      const device: Device = {
        id: this.deps.newId(),
        email: user,
        status: 'pending',
        statusSince: now,
        createdAt: now,
        lastChange: { at: now, cause: 'assigned', by: actor },
      };
      const issued = this.issueCode(tx, device);
      return { device: this.view(tx, issued.device), activation: issued.activation };
    });
  }

  /** Generate new activation code: only while Pending activation; earlier codes die. */
  newCode(actor: string, email: string): Promise<IssuedCode> {
    return this.adminAction(actor, 'new-code', email, (tx, user) => {
      const device = requireDevice(tx, user);
      if (device.status !== 'pending') {
        throw new Refusal('not-pending', { email: user, status: device.status });
      }
      const changed = this.changeStatus(device, 'pending', 'new-code', actor);
      const issued = this.issueCode(tx, changed);
      return { device: this.view(tx, issued.device), activation: issued.activation };
    });
  }

  /** Lost/stolen: cut the lost phone's line off, back to Pending activation, a new code. */
  lostStolen(actor: string, email: string): Promise<IssuedCode> {
    return this.adminAction(actor, 'lost-stolen', email, (tx, user) => {
      const device = requireDevice(tx, user);
      const revokedIccid = this.endProfile(tx, device, 'revoked');
      const changed = this.changeStatus({ ...device, iccid: undefined }, 'pending', 'lost-stolen', actor);
      const issued = this.issueCode(tx, changed);
      return {
        device: this.view(tx, issued.device),
        activation: issued.activation,
        ...(revokedIccid ? { revokedIccid } : {}),
      };
    });
  }

  /** Delete: codes and profile dead, the license back in the pool. */
  deleteDevice(actor: string, email: string): Promise<DeletedDevice> {
    return this.adminAction(actor, 'delete', email, (tx, user) => {
      const device = requireDevice(tx, user);
      this.invalidateCodes(tx, device);
      this.endProfile(tx, device, 'revoked');
      tx.removeDevice(device.id);
      return { device: this.view(tx, device), userMustRemoveLine: true as const };
    });
  }

  /**
   * Org mode: an activation code the admin copied from Control Hub becomes the device's current
   * code (every earlier one dies), so the user's message, `resend` and the reminders work as for
   * a code the bot issued. Its lifetime is the code TTL setting.
   */
  recordDeliveredCode(actor: string, email: string, code: { smdpAddress: string; matchingId: string }): Promise<IssuedCode> {
    return this.adminAction(actor, 'deliver', email, (tx, user) => {
      const device = requireDevice(tx, user);
      const known = tx.code(codeKey(code.matchingId));
      if (known && (known.deviceId !== device.id || known.state !== 'valid')) throw new Refusal('code-reused', { email: user });
      if (known && device.currentCodeKey === known.key && known.matchingId) {
        return { device: this.view(tx, device), activation: activationDetails(device.email, known) };
      }
      this.invalidateCodes(tx, device);
      const issuedAt = this.deps.clock();
      const record: CodeRecord = {
        key: codeKey(code.matchingId),
        deviceId: device.id,
        smdpAddress: code.smdpAddress,
        matchingId: code.matchingId,
        issuedAt: issuedAt.toISOString(),
        expiresAt: new Date(issuedAt.getTime() + tx.settings().codeTtlDays * DAY_MS).toISOString(),
        state: 'valid',
      };
      tx.putCode(record);
      const saved = { ...device, currentCodeKey: record.key };
      tx.putDevice(saved);
      return { device: this.view(tx, saved), activation: activationDetails(device.email, record) };
    });
  }

  /**
   * Org mode: stores what a listing of the org's Webex Go devices changed, in one transaction
   * that writes only the devices that changed, and announces added, changed and removed devices.
   * Only a listing that covers devices completely removes them (see `ListingScope`). The first
   * listing (no device of the org stored yet) neither announces nor audits its devices: it is the
   * org as it was.
   */
  async applyOrgListing(listed: readonly ListedDevice[], scope: ListingScope): Promise<OrgSyncOutcome> {
    const at = this.nowIso();
    const { plan, first } = await this.deps.repo.transact((tx) => {
      const stored = tx.devices();
      const first = !stored.some((d) => d.org);
      const plan = planOrgSync(stored, listed, scope, at);
      for (const device of plan.remove) {
        this.invalidateCodes(tx, device);
        this.endProfile(tx, device, 'revoked');
        tx.removeDevice(device.id);
      }
      for (const device of plan.put) tx.putDevice(this.installedOnPhone(tx, device));
      for (const { kind, device } of plan.changes) {
        // The first listing is the org as it was: thousands of devices are not thousands of events.
        if (first && kind === 'org-added') continue;
        const raw = [device.org?.connectionStatus && `connectionStatus ${device.org.connectionStatus}`, device.org?.activationState && `activationState ${device.org.activationState}`];
        const detail = raw.filter(Boolean).join(', ');
        tx.audit({ at, actor: ORG_ACTOR, action: kind, email: device.email, deviceId: device.id, outcome: 'ok', ...(detail && kind !== 'org-removed' ? { detail } : {}) });
      }
      return { plan, first };
    });
    const count = (kind: OrgChangeKind) => plan.changes.filter((c) => c.kind === kind).length;
    for (const { kind, device } of plan.changes) {
      if (first && kind === 'org-added') continue;
      this.announce({
        actor: ORG_ACTOR,
        action: kind,
        email: device.email,
        ...(kind === 'org-removed' ? {} : { status: device.status, cause: device.lastChange.cause }),
      });
    }
    return {
      added: count('org-added'),
      changed: count('org-status'),
      removed: count('org-removed'),
      updated: plan.put.length - count('org-added') - count('org-status'),
      skipped: plan.skipped.length,
    };
  }

  updateSettings(actor: string, patch: SettingsPatch): Promise<OrgSettings> {
    const changed = Object.keys(patch).join(',');
    return this.adminAction(actor, 'settings', undefined, (tx) => {
      const next = { ...tx.settings(), ...patch };
      validateSettings(next);
      const inUse = tx.deviceCount();
      if (next.licenses < inUse) throw new Refusal('pool-below-in-use', { requested: next.licenses, inUse });
      tx.putSettings(next);
      return { ...next };
    }, changed);
  }

  /** Anyone chooses the language they read the bot in. */
  async setPersonLanguage(email: string, language: Language): Promise<void> {
    const person = normalizeEmail(email);
    await this.deps.repo.transact((tx) => {
      tx.putLanguage({ person }, language);
      tx.audit({ at: this.nowIso(), actor: person, action: 'language', email: person, outcome: 'ok', detail: language });
    });
  }

  /** Admins choose the language a group space reads the bot in. */
  setSpaceLanguage(actor: string, spaceId: string, language: Language): Promise<void> {
    return this.adminAction(actor, 'language', undefined, (tx) => tx.putLanguage({ space: spaceId }, language), `space ${language}`);
  }

  addAdmin(actor: string, email: string): Promise<string[]> {
    return this.adminAction(actor, 'admin-add', email, (tx, user) => {
      const admins = tx.admins();
      if (this.allAdmins(admins).includes(user)) throw new Refusal('already-admin', { email: user });
      const next = [...admins, user].sort();
      tx.putAdmins(next);
      return next;
    });
  }

  removeAdmin(actor: string, email: string): Promise<string[]> {
    return this.adminAction(actor, 'admin-remove', email, (tx, user) => {
      const admins = tx.admins();
      if ((this.deps.breakGlassAdmins ?? []).map(normalizeEmail).includes(user)) throw new Refusal('break-glass-admin', { email: user });
      if (!admins.includes(user)) throw new Refusal('not-an-admin', { email: user });
      if (this.allAdmins(admins).length === 1) throw new Refusal('last-admin', { email: user });
      const next = admins.filter((a) => a !== user);
      tx.putAdmins(next);
      return next;
    });
  }

  // ---- phone side ----------------------------------------------------------------------------

  /** The phone redeemed an activation code: the profile is installed and the line is Online. */
  download(activationCode: string): Promise<{ iccid: string; device: DeviceView }> {
    return this.phoneAction('download', (tx) => {
      const parsed = parseActivationCode(activationCode);
      if (!parsed) throw new Refusal('code-malformed');
      const code = tx.code(codeKey(parsed.matchingId));
      if (!code || code.smdpAddress.toLowerCase() !== parsed.smdpAddress.toLowerCase()) {
        throw new Refusal('code-unknown');
      }
      const device = tx.device(code.deviceId);
      const context: { deviceId: string; email?: string } = device
        ? { email: device.email, deviceId: device.id }
        : { deviceId: code.deviceId };
      if (code.state === 'used') throw new Refusal('code-used', context);
      if (code.state === 'invalidated' || !device) throw new Refusal('code-invalidated', context);
      if (this.expired(code)) throw new Refusal('code-expired', { ...context, expiresAt: code.expiresAt });
      tx.putCode(spent(code, 'used'));
      const iccid = this.deps.esim.newIccid();
      tx.putProfile({ iccid, deviceId: device.id, state: 'active', since: this.nowIso() });
      const changed = this.changeStatus(
        { ...device, iccid, currentCodeKey: undefined },
        'online',
        'downloaded',
        PHONE_ACTOR,
      );
      tx.putDevice(changed);
      return { result: { iccid, device: this.view(tx, changed) }, audit: { ...context, detail: `iccid ${iccid}` } };
    });
  }

  /** The user switched the line off or on, or removed it from the phone. */
  phoneEvent(iccid: string, event: string): Promise<DeviceView> {
    const known = (PHONE_EVENTS as readonly string[]).includes(event);
    return this.phoneAction(known ? (`phone-${event}` as PhoneAction) : 'phone-unknown-event', (tx) => {
      if (!isIccid(iccid)) throw new Refusal('iccid-malformed');
      if (!known) throw new Refusal('unknown-event', { event });
      const profile = tx.profile(iccid);
      if (!profile) throw new Refusal('iccid-unknown');
      const device = tx.device(profile.deviceId);
      const context: { deviceId: string; email?: string } = { deviceId: profile.deviceId, ...(device ? { email: device.email } : {}) };
      if (profile.state !== 'active' || !device) throw new Refusal('profile-revoked', { ...context, iccid });
      let changed: Device;
      if (event === 'deleted') {
        this.endProfile(tx, device, 'deleted');
        changed = this.changeStatus({ ...device, iccid: undefined }, 'pending', 'deleted-on-phone', PHONE_ACTOR);
      } else {
        const status: DeviceStatus = event === 'disabled' ? 'offline' : 'online';
        changed = this.changeStatus(device, status, event as ChangeCause, PHONE_ACTOR);
      }
      tx.putDevice(changed);
      return { result: this.view(tx, changed), audit: { ...context, detail: `iccid ${iccid}` } };
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private nowIso(): string {
    return this.deps.clock().toISOString();
  }

  private expired(code: CodeRecord): boolean {
    return this.deps.clock().getTime() >= Date.parse(code.expiresAt);
  }

  /**
   * Runs an admin action as one transaction; a refusal leaves the store untouched but is
   * itself audited.
   */
  private async adminAction<T>(
    actor: string,
    action: AdminAction,
    email: string | undefined,
    fn: (tx: StoreTransaction, user: string) => T,
    detail?: string,
  ): Promise<T> {
    const by = normalizeEmail(actor);
    const user = email === undefined ? '' : normalizeEmail(email);
    const subject = user ? { email: user } : {};
    try {
      const result = await this.deps.repo.transact((tx) => {
        if (!this.allAdmins(tx.admins()).includes(by)) throw new Refusal('not-admin', { actor: by });
        if (email !== undefined && !isEmail(user)) throw new Refusal('invalid-email', { input: email.trim(), problem: emailProblem(email) });
        const result = fn(tx, user);
        const device = user ? tx.deviceByEmail(user) ?? deviceOfResult(result) : undefined;
        tx.audit({
          at: this.nowIso(),
          actor: by,
          action,
          ...subject,
          ...(device ? { deviceId: device.id } : {}),
          outcome: 'ok',
          ...(detail ? { detail } : {}),
        });
        return result;
      });
      // Device actions are announced; admin-list and settings changes are not device changes.
      if (user && deviceOfResult(result)) {
        const stillThere = this.deviceOf(user);
        this.announce({
          actor: by,
          action,
          email: user,
          ...(stillThere ? { status: stillThere.status, cause: stillThere.lastChange.cause } : {}),
        });
      }
      return result;
    } catch (error) {
      if (isRefusal(error)) {
        const device = user ? this.deps.repo.read((r) => r.deviceByEmail(user)) : undefined;
        await this.auditRefusal(
          { actor: by, action, ...subject, ...(device ? { deviceId: device.id } : {}), ...(detail ? { detail } : {}) },
          error,
        );
      }
      throw error;
    }
  }

  private async phoneAction<T>(
    action: PhoneAction,
    fn: (tx: StoreTransaction) => { result: T; audit: { email?: string; deviceId?: string; detail?: string } },
  ): Promise<T> {
    try {
      const { result, email } = await this.deps.repo.transact((tx) => {
        const { result, audit } = fn(tx);
        tx.audit({ at: this.nowIso(), actor: PHONE_ACTOR, action, ...audit, outcome: 'ok' });
        return { result, email: audit.email };
      });
      const view = email ? this.deviceOf(email) : undefined;
      if (email && view) this.announce({ actor: PHONE_ACTOR, action, email, status: view.status, cause: view.lastChange.cause });
      return result;
    } catch (error) {
      if (isRefusal(error)) {
        const { email, deviceId } = error.params;
        await this.auditRefusal(
          {
            actor: PHONE_ACTOR,
            action,
            ...(typeof email === 'string' ? { email } : {}),
            ...(typeof deviceId === 'string' ? { deviceId } : {}),
          },
          error,
        );
      }
      throw error;
    }
  }

  private auditRefusal(record: Omit<AuditRecord, 'at' | 'outcome'>, refusal: Refusal): Promise<void> {
    return this.deps.repo.transact((tx) =>
      tx.audit({ ...record, at: this.nowIso(), outcome: 'refused', reason: refusal.reason }),
    );
  }

  /** Issues a code for the device, invalidating every earlier one, and saves the device. */
  private issueCode(tx: StoreTransaction, device: Device): { device: Device; activation: ActivationDetails } {
    this.invalidateCodes(tx, device);
    const settings = tx.settings();
    let matchingId = this.deps.esim.newMatchingId();
    // A clash with any code ever issued would make redemption ambiguous: draw again.
    while (tx.code(codeKey(matchingId))) matchingId = this.deps.esim.newMatchingId();
    const issuedAt = this.deps.clock();
    const code: CodeRecord = {
      key: codeKey(matchingId),
      deviceId: device.id,
      smdpAddress: settings.smdpAddress,
      matchingId,
      issuedAt: issuedAt.toISOString(),
      expiresAt: new Date(issuedAt.getTime() + settings.codeTtlDays * DAY_MS).toISOString(),
      state: 'valid',
    };
    tx.putCode(code);
    const saved = { ...device, currentCodeKey: code.key };
    tx.putDevice(saved);
    return { device: saved, activation: activationDetails(device.email, code) };
  }

  /**
   * Org mode: a device Webex reports Online or Offline has its line installed, so a code delivered
   * for it was used: `resend` and the reminders stop offering it.
   */
  private installedOnPhone(tx: StoreTransaction, device: Device): Device {
    if ((device.status !== 'online' && device.status !== 'offline') || !device.currentCodeKey) return device;
    const code = tx.code(device.currentCodeKey);
    if (code?.state === 'valid') tx.putCode(spent(code, 'used'));
    return { ...device, currentCodeKey: undefined };
  }

  private invalidateCodes(tx: StoreTransaction, device: Device): void {
    // Only the current code can be valid: each issue invalidates the one before it.
    const current = device.currentCodeKey ? tx.code(device.currentCodeKey) : undefined;
    if (current?.state === 'valid') tx.putCode(spent(current, 'invalidated'));
  }

  /** Ends the device's installed profile, if any; returns its ICCID. */
  private endProfile(tx: StoreTransaction, device: Device, state: 'revoked' | 'deleted'): string | undefined {
    const profile = device.iccid ? tx.profile(device.iccid) : undefined;
    if (!profile || profile.state !== 'active') return undefined;
    tx.putProfile({ ...profile, state, since: this.nowIso() });
    return profile.iccid;
  }

  private changeStatus(device: Device, status: DeviceStatus, cause: ChangeCause, by: string): Device {
    const now = this.nowIso();
    return {
      ...device,
      status,
      statusSince: status === device.status ? device.statusSince : now,
      lastChange: { at: now, cause, by },
    };
  }

  private view(r: StoreReader, device: Device): DeviceView {
    const code = device.currentCodeKey ? r.code(device.currentCodeKey) : undefined;
    const view: DeviceView = {
      id: device.id,
      email: device.email,
      status: device.status,
      indicator: STATUS_INDICATOR[device.status],
      statusSince: device.statusSince,
      createdAt: device.createdAt,
      lastChange: device.lastChange,
      canGenerateCode: device.status === 'pending',
    };
    if (device.iccid) view.iccid = device.iccid;
    if (device.org) view.org = device.org;
    if (code?.state === 'valid') {
      view.code = { issuedAt: code.issuedAt, expiresAt: code.expiresAt, expired: this.expired(code) };
    }
    return view;
  }
}

function pool(r: StoreReader): LicensePool {
  const total = r.settings().licenses;
  const inUse = r.deviceCount();
  return { total, inUse, available: Math.max(0, total - inUse) };
}

function requireDevice(tx: StoreReader, email: string): Device {
  const device = tx.deviceByEmail(email);
  if (!device) throw new Refusal('no-device', { email });
  return device;
}

function spent(code: CodeRecord, state: 'used' | 'invalidated'): CodeRecord {
  const { matchingId: _secret, ...rest } = code;
  return { ...rest, state };
}

function activationDetails(email: string, code: CodeRecord): ActivationDetails {
  if (!code.matchingId) throw new Error('activation details asked of a spent code');
  const payload = qrPayload({
    smdpAddress: code.smdpAddress,
    matchingId: code.matchingId,
    confirmationCodeRequired: false,
  });
  return {
    email,
    smdpAddress: code.smdpAddress,
    matchingId: code.matchingId,
    qrPayload: payload,
    networkProviderCode: payload,
    expiresAt: code.expiresAt,
  };
}

function deviceOfResult(result: unknown): { id: string } | undefined {
  const device = (result as { device?: { id?: unknown } } | undefined)?.device;
  return typeof device?.id === 'string' ? { id: device.id } : undefined;
}

export function validateSettings(settings: OrgSettings): void {
  const { licenses, codeTtlDays, smdpAddress, notifyUsers } = settings;
  if (!Number.isInteger(licenses) || licenses < 0 || licenses > LICENSES_MAX) {
    throw new Refusal('invalid-setting', { setting: 'licenses', min: 0, max: LICENSES_MAX });
  }
  if (!Number.isInteger(codeTtlDays) || codeTtlDays < CODE_TTL_DAYS_RANGE.min || codeTtlDays > CODE_TTL_DAYS_RANGE.max) {
    throw new Refusal('invalid-setting', { setting: 'ttl', ...CODE_TTL_DAYS_RANGE });
  }
  if (typeof smdpAddress !== 'string' || !isSmdpAddress(smdpAddress)) {
    throw new Refusal('invalid-setting', { setting: 'smdp' });
  }
  if (typeof notifyUsers !== 'boolean') throw new Refusal('invalid-setting', { setting: 'notify' });
}
