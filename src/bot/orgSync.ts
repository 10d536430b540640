/**
 * The org sync: every ORG_SYNC_SECONDS one listing of the org's Webex Go devices (all pages), the
 * people not met before, a bounded number of activation-state reads for devices whose status is
 * unknown and a bounded number of people's Webex language reads; then one transaction of what
 * changed. Only one instance per store syncs (a lease). A failed listing changes nothing; a 401 is
 * told to admins once, until a sync succeeds again.
 */
import type { WebexGoService } from '../domain/service.js';
import type { ListedDevice } from '../domain/org.js';
import { orgStatus } from '../domain/org.js';
import type { Device } from '../domain/types.js';
import { orgText } from '../render/messages/orgText.js';
import type { KnownPerson, OrgMode, WebexLanguageRead } from './org.js';
import { personEmail } from './org.js';
import { orgFailureOf, type OrgDevice } from './orgPorts.js';
import { PeriodicPass } from './periodicPass.js';
import type { Messenger } from './ports.js';

export const ORG_SYNC_LEASE = 'org-sync';
/** A person's Webex language is read again after this long, when the sync's reads have turns to spare. */
export const LANGUAGE_REREAD_MS = 7 * 24 * 60 * 60_000;

export interface OrgSyncDeps {
  service: WebexGoService;
  org: OrgMode;
  messenger: Messenger;
  log: (line: string) => void;
  /** `Repository.holdLease`: true while this instance holds the named job. */
  holdLease: (name: string, holder: string, ttlMs: number) => Promise<boolean>;
  instanceId: string;
}

export class OrgSync extends PeriodicPass {
  private intervalMs = 60_000;
  /** Told admins the token was refused: not again until a sync succeeds. */
  private toldTokenRefused = false;
  /** The pass in which each unknown device's activation state was last read, so the bounded reads take turns. */
  private readonly activationReadAt = new Map<string, number>();
  private passes = 0;

  constructor(private readonly deps: OrgSyncDeps) {
    super();
  }

  start(intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.every(intervalMs);
  }

  /** A store that cannot write (or any surprise) ends this pass only: the next one tries again. */
  protected async pass(): Promise<void> {
    await this.sync().catch((error: unknown) => this.deps.log(`org sync failed: ${(error as Error).message}`));
  }

  private async sync(): Promise<void> {
    const { org, service, log } = this.deps;
    // Held for two periods: a sync that overruns one is not taken over mid-way.
    if (!(await this.deps.holdLease(ORG_SYNC_LEASE, this.deps.instanceId, 2 * this.intervalMs))) return;
    const listedAt = org.now();
    let devices: OrgDevice[];
    try {
      devices = await org.admin.webexGoDevices();
    } catch (error) {
      await this.failed(error);
      return;
    }
    const stored = new Map(service.storedDevices().filter((d) => d.org).map((d) => [d.id, d]));
    const people = await this.people(devices, stored);
    const activation = await this.activationStates(devices, people, stored);
    const languages = await this.languages(devices, people, stored);
    // A device deleted through the bot while this pass read the org stays deleted (no second "added").
    const current = org.withoutDeleted(devices, listedAt);
    const listed: ListedDevice[] = [];
    for (const device of current) {
      const person = device.personId ? people.get(device.personId) : undefined;
      if (!person) continue;
      listed.push(org.listed(device, person, activation.get(device.id), languages.get(person.id)));
    }
    const outcome = await service.applyOrgListing(listed, { kind: 'complete' });
    org.noteCompleteRead();
    this.toldTokenRefused = false;
    const unresolved = current.length - listed.length;
    if (outcome.added + outcome.changed + outcome.removed > 0 || unresolved > 0) {
      log(
        `org sync: ${devices.length} Webex Go devices; ${outcome.added} added, ${outcome.changed} changed, ${outcome.removed} removed` +
          (unresolved ? `, ${unresolved} without a person the org knows` : '') +
          (outcome.skipped ? `, ${outcome.skipped} second devices of a person left out` : ''),
      );
    }
  }

  /** Everyone a device belongs to: the stored ones, and `people()` for ids not met before. A failure leaves the new ones out this time. */
  private async people(devices: OrgDevice[], stored: Map<string, Device>): Promise<Map<string, KnownPerson>> {
    const known = new Map<string, KnownPerson>();
    for (const { email, org } of stored.values()) {
      if (org?.personId) known.set(org.personId, { id: org.personId, email, ...(org.displayName ? { displayName: org.displayName } : {}) });
    }
    const unknown = [...new Set(devices.map((d) => d.personId).filter((id): id is string => Boolean(id) && !known.has(id!)))];
    if (unknown.length === 0) return known;
    try {
      for (const person of await this.deps.org.admin.people(unknown)) {
        const email = personEmail(person);
        if (email) known.set(person.id, { id: person.id, email, ...(person.displayName ? { displayName: person.displayName } : {}) });
      }
    } catch (error) {
      this.deps.log(`org sync: could not look up ${unknown.length} people, their devices wait for the next sync: ${(error as Error).message}`);
    }
    return known;
  }

  /**
   * `activationState` for devices whose connection status says nothing (unknown or missing): at
   * most the configured number of reads, those read longest ago first; the others keep the
   * state read before.
   */
  private async activationStates(devices: OrgDevice[], people: Map<string, unknown>, stored: Map<string, Device>): Promise<Map<string, string>> {
    const { org, log } = this.deps;
    const pass = ++this.passes;
    const states = new Map<string, string>();
    const unknown = devices.filter(
      (d) => d.personId && people.has(d.personId) && orgStatus(d.connectionStatus, undefined, org.options.statusMap) === 'unknown',
    );
    for (const device of unknown) {
      const before = stored.get(device.id)?.org?.activationState;
      if (before) states.set(device.id, before);
    }
    const turn = unknown
      .sort((a, b) => (this.activationReadAt.get(a.id) ?? 0) - (this.activationReadAt.get(b.id) ?? 0))
      .slice(0, org.options.activationReadsPerSync);
    for (const device of turn) {
      try {
        const calling = await org.admin.callingDevicesOf(device.personId!);
        this.activationReadAt.set(device.id, pass);
        const esim = calling.find((c) => c.modelType?.toUpperCase() === 'ESIM');
        if (esim?.activationState) states.set(device.id, esim.activationState);
      } catch (error) {
        // The listing stands on its own: these stay unknown this time.
        log(`org sync: could not read activation states (${orgFailureOf(error) ?? 'error'}): ${(error as Error).message}`);
        break;
      }
    }
    const listedIds = new Set(devices.map((d) => d.id));
    for (const id of this.activationReadAt.keys()) if (!listedIds.has(id)) this.activationReadAt.delete(id);
    return states;
  }

  /**
   * People's Webex `preferredLanguage`, by person id: at most the configured number of reads a
   * pass, newcomers first, then people never read (stored before the bot read languages), then
   * those read longest ago once LANGUAGE_REREAD_MS has passed; the others keep what was stored.
   * Webex not knowing a person is no preference (the adapter's). A refusal (403, or the identity
   * service refusing the token) switches the `language` capability off with one log line, and
   * nobody is read again until a restart checks it; any other failure ends this pass's reads.
   */
  private async languages(devices: OrgDevice[], people: Map<string, KnownPerson>, stored: Map<string, Device>): Promise<Map<string, WebexLanguageRead>> {
    const { org, log } = this.deps;
    const read = new Map<string, WebexLanguageRead>();
    if (org.options.languageReadsPerSync <= 0 || org.blocked('language', 'en')) return read;
    const now = org.now();
    const due = new Map<string, { isNew: boolean; readAt: number }>();
    for (const device of devices) {
      if (!device.personId || !people.has(device.personId) || due.has(device.personId)) continue;
      const before = stored.get(device.id);
      const readAt = before?.org?.languageReadAt ? Date.parse(before.org.languageReadAt) : 0;
      if (readAt === 0 || now - readAt >= LANGUAGE_REREAD_MS) due.set(device.personId, { isNew: !before, readAt });
    }
    const turn = [...due]
      .sort(([, a], [, b]) => Number(b.isNew) - Number(a.isNew) || a.readAt - b.readAt)
      .slice(0, org.options.languageReadsPerSync);
    for (const [personId] of turn) {
      try {
        const preferredLanguage = await org.admin.preferredLanguage(personId);
        read.set(personId, { ...(preferredLanguage === undefined ? {} : { preferredLanguage }), readAt: new Date(org.now()).toISOString() });
      } catch (error) {
        const failure = orgFailureOf(error);
        const message = (error as Error).message;
        if (failure === 'forbidden' || failure === 'unauthorized') {
          org.switchOff('language', message, failure === 'forbidden' ? 403 : undefined);
          log(`org sync: people's Webex languages are not read any more (each reads in their own choice, else DEFAULT_LANGUAGE): ${message}`);
        } else {
          log(`org sync: could not read people's Webex languages (${failure ?? 'error'}), the others wait for the next sync: ${message}`);
        }
        break;
      }
    }
    return read;
  }

  private async failed(error: unknown): Promise<void> {
    const { org, log } = this.deps;
    // Recorded in the org state (401: the token; 403: status off); the stored devices stand.
    org.failure(error, 'status', 'en');
    log(`org sync failed, keeping the devices as last read: ${(error as Error).message}`);
    if (orgFailureOf(error) === 'unauthorized' && !this.toldTokenRefused) {
      this.toldTokenRefused = true;
      await this.tellAdmins();
    }
  }

  /** The watch space if there is one, else each admin's 1:1, each in its own language. */
  private async tellAdmins(): Promise<void> {
    const { service, messenger, log } = this.deps;
    const space = service.settings().watchSpaceId;
    const sends = space
      ? [messenger.say(space, { markdown: orgText(service.languageOf({ space })).tokenRefusedNotice })]
      : service.admins().map((admin) => messenger.dm(admin, { markdown: orgText(service.languageOf({ person: admin })).tokenRefusedNotice }));
    for (const result of await Promise.allSettled(sends)) {
      if (result.status === 'rejected') log(`could not tell admins the org token was refused: ${(result.reason as Error).message}`);
    }
  }
}
