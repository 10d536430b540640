/**
 * Org mode's state in the bot: the org's admin API (the `OrgAdmin` port), which capabilities it
 * has, whether Webex refused the token, and when the org's devices were last read completely.
 * Commands ask it before an org call and hand it every failure, so that one 401 or one 403 is
 * known everywhere at once.
 */
import type { ListedDevice, OrgStatusMap } from '../domain/org.js';
import { orgStatus } from '../domain/org.js';
import { normalizeEmail } from '../domain/email.js';
import type { Language } from '../domain/types.js';
import { orgText } from '../render/messages/orgText.js';
import {
  ORG_CAPABILITIES,
  orgFailureOf,
  type CapabilityState,
  type OrgAdmin,
  type OrgCapability,
  type OrgDevice,
  type OrgPerson,
} from './orgPorts.js';

export interface OrgOptions {
  /** connectionStatus / activationState → status (ORG_STATUS_MAP over the default). */
  statusMap: OrgStatusMap;
  /** The most `callingDevicesOf` reads per sync, for devices whose status is unknown. */
  activationReadsPerSync: number;
  /** The most `preferredLanguage` reads per sync: people never read first, then the longest ago (ORG_SYNC_LANGUAGE_READS). */
  languageReadsPerSync: number;
  /** ORG_TRY_ACTIVATION_CODE_API: `code` asks Webex for a code (undocumented for Webex Go). */
  tryActivationCodeApi: boolean;
}

export class OrgMode {
  private capabilityStates: Record<OrgCapability, CapabilityState> = Object.fromEntries(
    ORG_CAPABILITIES.map((c) => [c, { available: true }]),
  ) as Record<OrgCapability, CapabilityState>;
  /** Webex answered 401: the token is expired or revoked, until a call succeeds again. */
  tokenRefused = false;
  /** When the org's devices were last listed completely and stored. */
  lastCompleteReadAt: string | undefined;
  /** A complete read now (the sync), once the app has one: `deliver` uses it for a device just added in Control Hub. */
  syncNow: () => Promise<void> = async () => undefined;
  /** Devices the bot deleted in Webex, and when: a listing begun before the delete must not bring one back. */
  private readonly deletedAt = new Map<string, number>();

  constructor(
    readonly admin: OrgAdmin,
    readonly options: OrgOptions,
    private readonly clock: () => Date,
  ) {}

  capabilities(): Record<OrgCapability, CapabilityState> {
    return { ...this.capabilityStates };
  }

  /**
   * Takes what `OrgAdmin.capabilities()` found (at start). A 401 is the token's fault, not a
   * capability's: it is kept as the token refused, which the next successful call clears.
   */
  setCapabilities(states: Record<OrgCapability, CapabilityState>): void {
    const refused = (state: CapabilityState) => !state.available && state.httpStatus === 401;
    this.tokenRefused = ORG_CAPABILITIES.some((c) => refused(states[c]));
    this.capabilityStates = Object.fromEntries(ORG_CAPABILITIES.map((c) => [c, refused(states[c]) ? { available: true } : states[c]])) as Record<
      OrgCapability,
      CapabilityState
    >;
  }

  /** Switches one capability off with its reason: a refusal only it met (the identity service's), the token aside. */
  switchOff(capability: OrgCapability, reason: string, httpStatus?: number): void {
    this.capabilityStates[capability] = { available: false, reason, ...(httpStatus === undefined ? {} : { httpStatus }) };
  }

  /** A call succeeded: the token works. */
  noteSuccess(): void {
    this.tokenRefused = false;
  }

  /** The devices were listed: the token works and so does the status capability, even if a 403 had switched it off. */
  noteCompleteRead(): void {
    this.noteSuccess();
    this.capabilityStates.status = { available: true };
    this.lastCompleteReadAt = this.clock().toISOString();
  }

  /**
   * Records what a failed call says of the org (401: the token; 403: this capability is off)
   * and words it for the reader.
   */
  failure(error: unknown, capability: OrgCapability, lang: Language): string {
    const words = orgText(lang);
    const message = (error as Error | undefined)?.message ?? String(error);
    switch (orgFailureOf(error)) {
      case 'unauthorized':
        this.tokenRefused = true;
        return words.tokenRefused;
      case 'forbidden':
        this.capabilityStates[capability] = { available: false, reason: message, httpStatus: 403 };
        return words.capabilityOff(capability, message);
      case 'refused':
        return words.refused(message);
      default:
        return words.unavailable(message);
    }
  }

  /** The time by the app's clock, in ms. */
  now(): number {
    return this.clock().getTime();
  }

  /** The bot deleted this device in Webex. */
  noteDeleted(deviceId: string): void {
    this.deletedAt.set(deviceId, this.now());
  }

  /**
   * A listing begun at `listedAt` (ms) without the devices the bot deleted meanwhile; a delete
   * older than the listing is forgotten, as Webex no longer lists that device.
   */
  withoutDeleted<T extends { id: string }>(devices: T[], listedAt: number): T[] {
    for (const [id, at] of this.deletedAt) if (at < listedAt) this.deletedAt.delete(id);
    return this.deletedAt.size === 0 ? devices : devices.filter((d) => !this.deletedAt.has(d.id));
  }

  /** Why an org call for `capability` would fail now, for the reader; nothing when it may be tried. */
  blocked(capability: OrgCapability, lang: Language): string | undefined {
    if (this.tokenRefused) return orgText(lang).tokenRefused;
    const state = this.capabilityStates[capability];
    return state.available ? undefined : orgText(lang).capabilityOff(capability, state.reason);
  }

  /** Where the stored org data comes from and how old it is. */
  asOf(lang: Language): string {
    return orgText(lang).asOf(this.lastCompleteReadAt, this.clock());
  }

  /** The same, for what was read live a moment ago. */
  readNow(lang: Language): string {
    const now = this.clock();
    return orgText(lang).asOf(now.toISOString(), now);
  }

  /**
   * The device as the domain stores it: its person resolved, the status mapped (`activationState`
   * when read), the person's Webex language when read now (else the domain keeps the stored one).
   */
  listed(device: OrgDevice, person: KnownPerson, activationState?: string, language?: WebexLanguageRead): ListedDevice {
    return {
      id: device.id,
      email: normalizeEmail(person.email),
      status: orgStatus(device.connectionStatus, activationState, this.options.statusMap),
      ...(device.created ? { created: device.created } : {}),
      org: {
        personId: person.id,
        ...defined({
          displayName: person.displayName,
          product: device.product,
          connectionStatus: device.connectionStatus,
          activationState,
          firstSeen: device.firstSeen,
          lastSeen: device.lastSeen,
          preferredLanguage: language?.preferredLanguage,
          languageReadAt: language?.readAt,
        }),
      },
    };
  }
}

/** A person's `preferredLanguage` as read from Webex (none when they set none), and when. */
export interface WebexLanguageRead {
  preferredLanguage?: string;
  readAt: string;
}

/** Who a device belongs to, as the bot keeps them. */
export interface KnownPerson {
  id: string;
  email: string;
  displayName?: string;
}

/** The person's address the bot keys devices by: the first Webex lists. */
export function personEmail(person: OrgPerson): string | undefined {
  return person.emails[0];
}

function defined<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, string>>;
}

/** One line per capability, as start-up prints them (English, for the process log). */
export function capabilityLines(states: Record<OrgCapability, CapabilityState>): string[] {
  const words = orgText('en');
  return ORG_CAPABILITIES.map((c) => `Org mode: ${words.capabilityName(c)}: ${words.capabilityState(states[c])}`);
}
