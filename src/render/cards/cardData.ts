/**
 * The data each template in cards/ binds, so that `renderCard('device', data)` is checked against
 * what cards/device.json reads. Strings outside `raw` are escaped for markdown; `raw` is not.
 */

/** Values a button carries back; Webex returns them as strings. */
interface DeviceButton {
  email: string;
  deviceId: string;
  version: string;
}

interface StatusStyle {
  color: string;
  subtle: boolean;
}

export interface CardData {
  device: {
    notice: string;
    email: string;
    /** Org mode: the person's display name, the phone, when Webex last saw it, Webex's raw status words. */
    name: string;
    statusLabel: string;
    since: string;
    lastChange: string;
    codeLine: string;
    product: string;
    lastSeen: string;
    webexReports: string;
    /** Org mode: where the status comes from and how old it is. */
    source: string;
    confirmLost: string;
    confirmDelete: string;
    raw: DeviceButton &
      StatusStyle & {
        hasNotice: boolean;
        hasName: boolean;
        hasProduct: boolean;
        isOrg: boolean;
        hasWebexReports: boolean;
        hasSource: boolean;
        hasCodeLine: boolean;
        canGenerate: boolean;
        confirmLostTitle: string;
        confirmDeleteTitle: string;
      };
  };
  devices: {
    title: string;
    summary: string;
    source: string;
    /** `detail` (org mode): the phone and when Webex last saw it. */
    rows: { email: string; detail: string; statusLabel: string; since: string; raw: StatusStyle & { hasDetail: boolean } }[];
    emptyText: string;
    footer: string;
    raw: { hasSource: boolean; empty: boolean; hasPrev: boolean; hasNext: boolean; prevArgs: string; nextArgs: string };
  };
  confirm: {
    question: string;
    /** `command` is the command the Yes button runs. */
    raw: DeviceButton & { confirmTitle: string; command: string };
  };
  notice: { text: string };
  licenses: { total: string; inUse: string; available: string; hint: string };
  settings: {
    notify: string;
    licenses: string;
    ttl: string;
    smdp: string;
    hint: string;
    /** Org mode: one line per capability, available or why not. */
    capabilities: { title: string; value: string }[];
    raw: { hasCapabilities: boolean };
  };
  handover: {
    text: string;
    codeLabel: string;
    npcLabel: string;
    raw: { matchingId: string; networkProviderCode: string; mailto: string };
  };
  reminder: { text: string; raw: DeviceButton };
  calls: {
    title: string;
    source: string;
    facts: { title: string; value: string }[];
    topUsers: { user: string; calls: string }[];
    days: { day: string; calls: string }[];
    notes: { text: string }[];
    raw: { hasTopUsers: boolean; hasDays: boolean };
  };
}

export type CardName = keyof CardData;
