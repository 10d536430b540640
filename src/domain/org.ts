/**
 * Org mode's pure rules: how the org's Webex data maps to a Webex Go status, and what a listing
 * of the org's devices changes in the store. No I/O: the bot reads Webex, the service stores.
 */
import { ORG_ACTOR, type Device, type DeviceStatus, type OrgLine } from './types.js';

/** A value of `connectionStatus` or `activationState` → the status it means. */
export type OrgStatusMap = Readonly<Record<string, DeviceStatus>>;

/**
 * No Webex document maps these to Control Hub's statuses; this is the issue's mapping, and any
 * row can be overridden (ORG_STATUS_MAP). A value not in the map, or none, is `unknown`.
 */
export const DEFAULT_ORG_STATUS_MAP: OrgStatusMap = {
  activating: 'pending',
  deactivated: 'pending',
  connected: 'online',
  connected_with_issues: 'online',
  disconnected: 'offline',
  offline_expired: 'offline',
  offline_deep_sleep: 'offline',
  unknown: 'unknown',
};

const STATUS_WORDS: readonly DeviceStatus[] = ['pending', 'online', 'offline', 'unknown'];

/**
 * The status of a device from what Webex says: `activationState` wins when the map names it
 * (activating, deactivated: the line is not installed, whatever the connection says), else
 * `connectionStatus`; neither mapped → `unknown`, never a guess.
 */
export function orgStatus(connectionStatus: string | undefined, activationState: string | undefined, map: OrgStatusMap = DEFAULT_ORG_STATUS_MAP): DeviceStatus {
  const byActivation = activationState ? map[activationState.toLowerCase()] : undefined;
  if (byActivation && byActivation !== 'unknown') return byActivation;
  return (connectionStatus ? map[connectionStatus.toLowerCase()] : undefined) ?? 'unknown';
}

/**
 * `connected:online,offline_deep_sleep:unknown` over the default map; an empty text is the
 * default. Returns the map, or a sentence saying what is wrong.
 */
export function parseOrgStatusMap(text: string | undefined): OrgStatusMap | string {
  const map: Record<string, DeviceStatus> = { ...DEFAULT_ORG_STATUS_MAP };
  for (const pair of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [value, status, ...rest] = pair.split(':').map((p) => p.trim().toLowerCase());
    if (!value || rest.length > 0 || !(STATUS_WORDS as readonly string[]).includes(status ?? '')) {
      return `"${pair}" is not value:status, with status one of ${STATUS_WORDS.join(', ')}`;
    }
    map[value] = status as DeviceStatus;
  }
  return map;
}

/** A Webex Go device of the org, with its person resolved and its status mapped. */
export interface ListedDevice {
  /** The Webex device id: the stored device's id. */
  id: string;
  email: string;
  status: DeviceStatus;
  created?: string;
  org: OrgLine;
}

/**
 * What a listing covers: all of the org's devices (a complete, successful listing), one person's
 * (a live read), or an unknown part (a sync that could not finish): only what a listing covers
 * completely can remove a stored device.
 */
export type ListingScope = { kind: 'complete' } | { kind: 'person'; personId: string } | { kind: 'partial' };

export type OrgChangeKind = 'org-added' | 'org-status' | 'org-removed';

export interface OrgSyncPlan {
  /** Devices to store (new or changed), each once. */
  put: Device[];
  /** Stored devices to remove: gone from the org, or replaced by the org's device for the same email. */
  remove: Device[];
  /** What people are told: added, status changed, removed. */
  changes: { kind: OrgChangeKind; device: Device }[];
  /** Listed devices left out: a second device for a person who already has one. */
  skipped: ListedDevice[];
}

/**
 * "Last seen" moves with every heartbeat of a connected phone: storing each would rewrite every
 * device at every sync. It is stored again when it moved this much, or with any other change.
 */
export const LAST_SEEN_GRANULARITY_MS = 15 * 60_000;

const ORG_FIELDS: readonly (keyof OrgLine)[] = ['personId', 'displayName', 'product', 'connectionStatus', 'activationState', 'firstSeen', 'preferredLanguage', 'languageReadAt'];

/**
 * The listed line, with the person's Webex language as stored when this listing did not read it
 * (a sync reads a few a pass, a live read none): only a read replaces it, and only for the same person.
 */
function withStoredLanguage(before: OrgLine | undefined, after: OrgLine): OrgLine {
  if (after.languageReadAt !== undefined || !before?.languageReadAt || before.personId !== after.personId) return after;
  return {
    ...after,
    ...(before.preferredLanguage === undefined ? {} : { preferredLanguage: before.preferredLanguage }),
    languageReadAt: before.languageReadAt,
  };
}

function orgLineChanged(before: OrgLine | undefined, after: OrgLine): boolean {
  if (!before) return true;
  if (ORG_FIELDS.some((field) => before[field] !== after[field])) return true;
  if (before.lastSeen === after.lastSeen) return false;
  if (!before.lastSeen || !after.lastSeen) return true;
  return Math.abs(Date.parse(after.lastSeen) - Date.parse(before.lastSeen)) >= LAST_SEEN_GRANULARITY_MS;
}

/** The diff between the stored devices and a listing of the org's: pure, so a sync writes only what changed. */
export function planOrgSync(stored: readonly Device[], listed: readonly ListedDevice[], scope: ListingScope, now: string): OrgSyncPlan {
  const byId = new Map(stored.map((d) => [d.id, d]));
  const byEmail = new Map(stored.map((d) => [d.email, d]));
  const plan: OrgSyncPlan = { put: [], remove: [], changes: [], skipped: [] };
  const seen = new Set<string>();
  const claimedEmails = new Set<string>();
  // A person with two devices keeps the one already stored, else the first by id: never Webex's order.
  const ordered = [...listed].sort((a, b) => Number(byId.has(b.id)) - Number(byId.has(a.id)) || a.id.localeCompare(b.id));
  const listedIds = new Set(listed.map((l) => l.id));
  // The first listing is the org as it was: its devices were there before the bot looked, not added.
  const firstRead = !stored.some((d) => d.org);
  for (const entry of ordered) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    if (claimedEmails.has(entry.email)) {
      plan.skipped.push(entry);
      continue;
    }
    claimedEmails.add(entry.email);
    const before = byId.get(entry.id);
    const holder = byEmail.get(entry.email);
    // The org is the source of truth: another stored device for the same email (the bot's own
    // registry's, or one Webex no longer lists for this person) gives way: one device per email.
    if (holder && holder.id !== entry.id && !listedIds.has(holder.id)) {
      plan.remove.push(holder);
      byEmail.delete(entry.email);
    }
    if (!before) {
      const device: Device = {
        id: entry.id,
        email: entry.email,
        status: entry.status,
        statusSince: now,
        createdAt: entry.created ?? now,
        lastChange: { at: now, cause: firstRead ? 'org-read' : 'org-added', by: ORG_ACTOR },
        // A new device of a person already met keeps their Webex language.
        org: withStoredLanguage(holder?.org, entry.org),
      };
      plan.put.push(device);
      plan.changes.push({ kind: 'org-added', device });
      continue;
    }
    const statusChanged = before.status !== entry.status;
    const line = withStoredLanguage(before.org, entry.org);
    if (!statusChanged && before.email === entry.email && !orgLineChanged(before.org, line)) continue;
    const device: Device = {
      ...before,
      email: entry.email,
      org: line,
      ...(statusChanged ? { status: entry.status, statusSince: now, lastChange: { at: now, cause: 'org-status', by: ORG_ACTOR } } : {}),
    };
    plan.put.push(device);
    if (statusChanged) plan.changes.push({ kind: 'org-status', device });
  }
  const covered = (d: Device) =>
    d.org !== undefined && (scope.kind === 'complete' || (scope.kind === 'person' && d.org.personId === scope.personId));
  const givenWay = new Set(plan.remove);
  for (const device of stored) {
    if (!seen.has(device.id) && covered(device) && !givenWay.has(device)) {
      plan.remove.push(device);
      plan.changes.push({ kind: 'org-removed', device });
    }
  }
  return plan;
}
