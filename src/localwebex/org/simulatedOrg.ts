/**
 * The local Webex's organization as its admin APIs and Control Hub see it: each person's Webex
 * Go device (its connection status and activation state), the license pool, and the org's
 * SM-DP+, which issues activation codes and lets a phone redeem them.
 *
 * A device's life, as the public shapes show it:
 * - added (Control Hub) → `activating` / activation `activating`: Pending activation, no code yet;
 * - a code generated → still pending; any earlier code of that device stops working;
 * - the code redeemed by a phone → `activating` for `activatingMs`, then `connected` / `activated`;
 * - the line switched off on the phone → `disconnected`; on again → `connected`;
 * - Lost/stolen → the phone's line is cut off, activation `deactivated`, `activating`: a new code is needed;
 * - deleted → gone, its license back in the pool, the phone's line cut off.
 * `unknown` is what Webex says when it cannot tell; the demo seeds one.
 */
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { formatActivationCode, parseActivationCode } from '../../domain/activationCode.js';
import { hydraId } from '../ids.js';

export type ConnectionStatus = 'connected' | 'disconnected' | 'connected_with_issues' | 'offline_expired' | 'activating' | 'unknown' | 'offline_deep_sleep';
export type ActivationState = 'activating' | 'activated' | 'deactivated';

export interface SimulatedDevice {
  id: string;
  /** The same device as Webex Calling's person devices name it. */
  callingDeviceId: string;
  personId: string;
  displayName: string;
  connectionStatus: ConnectionStatus;
  activationState: ActivationState;
  created: string;
  firstSeen?: string;
  lastSeen?: string;
  errorCodes: string[];
  /** The one code that can still be redeemed. */
  code?: { matchingId: string; expiresAt: string };
  /** The eSIM profile on the phone that redeemed the code. */
  iccid?: string;
}

export interface SimulatedLicense {
  id: string;
  name: string;
  totalUnits: number;
  /** Counted from the devices for the Webex Go license; fixed for the others. */
  consumedUnits: number;
  subscriptionId: string;
  siteType?: string;
}

export interface OrgSnapshot {
  devices: SimulatedDevice[];
  licenses: SimulatedLicense[];
  /** The demo devices were seeded once: a device the admin deleted stays deleted. */
  seeded: boolean;
  /** Codes issued that no longer work, as hashes of their Matching IDs, and why. */
  spentCodes?: Array<[hash: string, why: SpentCode]>;
  /** People's `preferredLanguage` in the identity service (SCIM), by person id; absent in older files. */
  preferredLanguages?: Array<[personId: string, preferredLanguage: string]>;
}

type SpentCode = 'used' | 'invalidated';

/** A code as Control Hub shows it, to copy. */
export interface IssuedCode {
  deviceId: string;
  /** `LPA:1$<SM-DP+>$<Matching ID>`, what a QR code holds. */
  activationCode: string;
  smdpAddress: string;
  matchingId: string;
  expiresAt: string;
}

export type OrgChange =
  | { kind: 'device'; action: 'added' | 'updated' | 'deleted'; device: SimulatedDevice }
  /** The network cut this person's line off (Lost/stolen or deleted). */
  | { kind: 'revoked'; personId: string; iccid: string }
  /** A person's language changed. */
  | { kind: 'person'; personId: string }
  | { kind: 'reset' };

/** A refusal the admin API or the page turns into an answer with this status. */
export class OrgRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** For the phone: `unknown`, `used`, `invalidated`, `expired`, `revoked`. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'OrgRefusal';
  }
}

export const WEBEX_GO_PRODUCT = 'Webex Go';
export const ESIM_MODEL = 'Webex Go';
export const DEFAULT_ORG_SMDP = 'smdp.webexgo.local-org.example.com';
const DAY = 24 * 60 * 60_000;

export interface SimulatedOrgOptions {
  /** The org's SM-DP+ address, in every code it issues. */
  smdpAddress?: string;
  snapshot?: OrgSnapshot;
  /** How long a redeemed device stays `activating` before `connected`; 0 connects at once. Default 1,500. */
  activatingMs?: number;
  /** How long a code can be redeemed; default 90 days (the Control Hub help's figure). */
  codeTtlDays?: number;
  now?: () => number;
}

function newLicenses(): SimulatedLicense[] {
  return [
    { id: hydraId('LICENSE'), name: 'Webex Go', totalUnits: 10, consumedUnits: 0, subscriptionId: 'Sub-local-webexgo', siteType: 'Control Hub managed site' },
    { id: hydraId('LICENSE'), name: 'Webex Calling - Professional', totalUnits: 25, consumedUnits: 6, subscriptionId: 'Sub-local-calling', siteType: 'Control Hub managed site' },
    { id: hydraId('LICENSE'), name: 'Meeting - Webex Meeting Center', totalUnits: 50, consumedUnits: 5, subscriptionId: 'Sub-local-meetings', siteType: 'Control Hub managed site' },
  ];
}

/** `n` characters of [0-9A-Z]. */
function randomChars(n: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

const codeHash = (matchingId: string): string => createHash('sha256').update(matchingId).digest('hex');

export function newIccid(): string {
  const digits = `8901${[...randomBytes(15)].map((b) => String(b % 10)).join('')}`;
  // Luhn check digit, as ICCIDs carry.
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits + String((10 - (sum % 10)) % 10);
}

export class SimulatedOrg extends EventEmitter<{ change: [change: OrgChange] }> {
  readonly smdpAddress: string;
  private readonly devicesById = new Map<string, SimulatedDevice>();
  /** One device a person: found without a scan, which matters in an org of 50,000. */
  private readonly devicesByPerson = new Map<string, SimulatedDevice>();
  private licenseList: SimulatedLicense[];
  private seededDemo: boolean;
  /** Codes that were issued and no longer work (hashes of their Matching IDs: nothing to redeem), and why. */
  private readonly spentCodes: Map<string, SpentCode>;
  private readonly preferredLanguages: Map<string, string>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly activatingMs: number;
  private readonly codeTtlMs: number;
  private readonly now: () => number;

  constructor(options: SimulatedOrgOptions = {}) {
    super();
    this.smdpAddress = options.smdpAddress ?? DEFAULT_ORG_SMDP;
    this.activatingMs = options.activatingMs ?? 1500;
    this.codeTtlMs = (options.codeTtlDays ?? 90) * DAY;
    this.now = options.now ?? Date.now;
    for (const device of options.snapshot?.devices ?? []) {
      this.devicesById.set(device.id, device);
      this.devicesByPerson.set(device.personId, device);
    }
    this.licenseList = options.snapshot?.licenses ?? newLicenses();
    this.seededDemo = options.snapshot?.seeded ?? false;
    this.spentCodes = new Map(options.snapshot?.spentCodes ?? []);
    this.preferredLanguages = new Map(options.snapshot?.preferredLanguages ?? []);
  }

  // ---------------------------------------------------------------- reading

  devices(): SimulatedDevice[] {
    return [...this.devicesById.values()];
  }

  device(id: string): SimulatedDevice | undefined {
    return this.devicesById.get(id);
  }

  deviceOf(personId: string): SimulatedDevice | undefined {
    return this.devicesByPerson.get(personId);
  }

  /** The pool; the Webex Go license's `consumedUnits` is its devices. */
  licenses(): SimulatedLicense[] {
    return this.licenseList.map((license) => (license.name === WEBEX_GO_PRODUCT ? { ...license, consumedUnits: this.devicesById.size } : { ...license }));
  }

  /** The person's language as the identity service (SCIM) has it (`en_US`), if one is set. */
  preferredLanguage(personId: string): string | undefined {
    return this.preferredLanguages.get(personId);
  }

  /** Control Hub → Users → the user → language; undefined sets none. */
  setPreferredLanguage(personId: string, preferredLanguage: string | undefined): void {
    if (preferredLanguage === undefined) this.preferredLanguages.delete(personId);
    else this.preferredLanguages.set(personId, preferredLanguage);
    this.changed({ kind: 'person', personId });
  }

  get seeded(): boolean {
    return this.seededDemo;
  }

  // ---------------------------------------------------------------- Control Hub

  /** Control Hub → Users → the user → Add Webex Go device: pending, one license taken. */
  addDevice(personId: string, displayName: string, state: Partial<Pick<SimulatedDevice, 'connectionStatus' | 'activationState' | 'lastSeen' | 'firstSeen' | 'errorCodes' | 'iccid'>> = {}): SimulatedDevice {
    if (this.deviceOf(personId)) throw new OrgRefusal(409, `${displayName} already has a Webex Go device.`);
    const pool = this.licenses().find((l) => l.name === WEBEX_GO_PRODUCT);
    if (pool && pool.consumedUnits >= pool.totalUnits) throw new OrgRefusal(409, 'No Webex Go license is left in the pool.');
    const device: SimulatedDevice = {
      id: hydraId('DEVICE'),
      callingDeviceId: hydraId('CALLING_DEVICE'),
      personId,
      displayName: `${displayName} (Webex Go)`,
      connectionStatus: 'activating',
      activationState: 'activating',
      created: new Date(this.now()).toISOString(),
      errorCodes: [],
      ...state,
    };
    this.devicesById.set(device.id, device);
    this.devicesByPerson.set(personId, device);
    this.changed({ kind: 'device', action: 'added', device });
    return device;
  }

  /**
   * Control Hub → the device → Actions → Generate new activation code: only while pending;
   * every earlier code of the device stops working.
   */
  generateCode(deviceId: string): IssuedCode {
    const device = this.requireDevice(deviceId);
    if (device.activationState === 'activated') {
      throw new OrgRefusal(409, 'This device is activated: a new activation code is only generated for a device pending activation.');
    }
    if (device.code) this.spend(device.code.matchingId, 'invalidated');
    const chars = randomChars(20);
    const matchingId = [0, 5, 10, 15].map((i) => chars.slice(i, i + 5)).join('-');
    device.code = { matchingId, expiresAt: new Date(this.now() + this.codeTtlMs).toISOString() };
    device.connectionStatus = 'activating';
    this.changed({ kind: 'device', action: 'updated', device });
    return this.issued(device);
  }

  /** Control Hub → the device → Actions → Lost/stolen: the line is cut off; a new code is needed. */
  markLost(deviceId: string): SimulatedDevice {
    const device = this.requireDevice(deviceId);
    this.revoke(device);
    if (device.code) this.spend(device.code.matchingId, 'invalidated');
    delete device.code;
    device.activationState = 'deactivated';
    device.connectionStatus = 'activating';
    this.changed({ kind: 'device', action: 'updated', device });
    return device;
  }

  /** Control Hub's Delete, or `DELETE /devices/{id}`: gone, its license back in the pool. */
  deleteDevice(deviceId: string): void {
    const device = this.requireDevice(deviceId);
    this.revoke(device);
    if (device.code) this.spend(device.code.matchingId, 'invalidated');
    this.devicesById.delete(deviceId);
    this.devicesByPerson.delete(device.personId);
    this.changed({ kind: 'device', action: 'deleted', device });
  }

  /** The code Control Hub shows for a pending device, while it can still be redeemed. */
  currentCode(deviceId: string): IssuedCode | undefined {
    const device = this.requireDevice(deviceId);
    return device.code ? this.issued(device) : undefined;
  }

  // ---------------------------------------------------------------- the org's SM-DP+ and the phones

  /** Whether a code names this org's SM-DP+ (the phone then redeems it here). */
  issues(activationCode: string): boolean {
    return parseActivationCode(activationCode)?.smdpAddress.toLowerCase() === this.smdpAddress.toLowerCase();
  }

  /** A phone downloads the profile: `activating`, then `connected`. */
  redeem(activationCode: string): { iccid: string; device: SimulatedDevice } {
    const parsed = parseActivationCode(activationCode);
    if (!parsed) throw new OrgRefusal(400, 'That is not an eSIM activation code.', 'malformed');
    const device = this.devices().find((d) => d.code?.matchingId === parsed.matchingId);
    if (!device) {
      const spent = this.spentCodes.get(codeHash(parsed.matchingId));
      if (spent === 'used') throw new OrgRefusal(409, 'This activation code was used already.', 'used');
      if (spent === 'invalidated') throw new OrgRefusal(410, 'This activation code no longer works: a newer one replaced it, or the device was deleted.', 'invalidated');
      throw new OrgRefusal(404, 'The SM-DP+ knows no such activation code.', 'unknown');
    }
    if (Date.parse(device.code!.expiresAt) <= this.now()) throw new OrgRefusal(410, 'This activation code has expired.', 'expired');
    this.spend(parsed.matchingId, 'used');
    delete device.code;
    device.iccid = newIccid();
    device.connectionStatus = 'activating';
    this.changed({ kind: 'device', action: 'updated', device });
    const connect = () => {
      if (this.devicesById.get(device.id) !== device || !device.iccid) return;
      this.seen(device, 'connected');
      device.activationState = 'activated';
      this.changed({ kind: 'device', action: 'updated', device });
    };
    if (this.activatingMs <= 0) connect();
    else {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        connect();
      }, this.activatingMs);
      timer.unref();
      this.timers.add(timer);
    }
    return { iccid: device.iccid, device };
  }

  /** The phone switched its line on or off, or removed it. */
  phoneEvent(iccid: string, event: 'enabled' | 'disabled' | 'deleted'): SimulatedDevice {
    const device = this.devices().find((d) => d.iccid === iccid);
    if (!device) throw new OrgRefusal(410, 'The network no longer serves this line: it was revoked.', 'revoked');
    this.seen(device, event === 'enabled' ? 'connected' : 'disconnected');
    if (event === 'deleted') delete device.iccid;
    this.changed({ kind: 'device', action: 'updated', device });
    return device;
  }

  /** Sets the Webex Go license's size (a bigger subscription), for demos of many devices. */
  setWebexGoLicenses(totalUnits: number): void {
    this.licenseList = this.licenseList.map((l) => (l.name === WEBEX_GO_PRODUCT ? { ...l, totalUnits } : l));
  }

  // ---------------------------------------------------------------- whole state

  /** Marks the demo devices as seeded (see `OrgSnapshot.seeded`). */
  markSeeded(): void {
    this.seededDemo = true;
  }

  /** Forgets every device and code; the license pool starts over. */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.devicesById.clear();
    this.devicesByPerson.clear();
    this.spentCodes.clear();
    this.preferredLanguages.clear();
    this.licenseList = newLicenses();
    this.seededDemo = false;
    this.changed({ kind: 'reset' });
  }

  /** Stops pending `activating → connected` steps. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  snapshot(): OrgSnapshot {
    return {
      devices: this.devices(),
      licenses: this.licenseList,
      seeded: this.seededDemo,
      spentCodes: [...this.spentCodes],
      preferredLanguages: [...this.preferredLanguages],
    };
  }

  // ---------------------------------------------------------------- internals

  private spend(matchingId: string, why: SpentCode): void {
    this.spentCodes.set(codeHash(matchingId), why);
  }

  private requireDevice(id: string): SimulatedDevice {
    const device = this.devicesById.get(id);
    if (!device) throw new OrgRefusal(404, 'The requested device could not be found.');
    return device;
  }

  private issued(device: SimulatedDevice): IssuedCode {
    const code = device.code!;
    return {
      deviceId: device.id,
      activationCode: `LPA:${formatActivationCode({ smdpAddress: this.smdpAddress, matchingId: code.matchingId, confirmationCodeRequired: false })}`,
      smdpAddress: this.smdpAddress,
      matchingId: code.matchingId,
      expiresAt: code.expiresAt,
    };
  }

  private seen(device: SimulatedDevice, status: ConnectionStatus): void {
    const at = new Date(this.now()).toISOString();
    device.connectionStatus = status;
    device.firstSeen ??= at;
    device.lastSeen = at;
  }

  private revoke(device: SimulatedDevice): void {
    if (!device.iccid) return;
    const iccid = device.iccid;
    delete device.iccid;
    this.changed({ kind: 'revoked', personId: device.personId, iccid });
  }

  private changed(change: OrgChange): void {
    this.emit('change', change);
  }
}
