/** What org mode says, in the reader's language: Control Hub steps, private delivery, the org's faults and freshness. */
import type { Language, LicensePool, UserReach } from '../../domain/types.js';
import { formatDate, formatDateTime } from '../format.js';
import { translator } from '../i18n/translate.js';

/** Where an admin does what Webex has no public API for. */
export const CONTROL_HUB_URL = 'https://admin.webex.com';

/** What the bot can do in the org, as `OrgCapability` names it (bot/orgPorts.ts). */
export type CapabilityName = 'status' | 'delete' | 'licenses' | 'callHistory' | 'language';

const MINUTE_MS = 60_000;

// Webex's own sentences end with a period; the sentences around them add their own.
const withoutPeriod = (reason: string) => reason.trim().replace(/\.+$/, '');

export function orgText(lang: Language) {
  const t = translator(lang);
  const link = CONTROL_HUB_URL;
  const capability = (name: CapabilityName) => t(`org.capability.${name}`);
  return {
    noApi: t('org.noApi'),
    /** The seed's Control Hub steps for what has no public API. */
    steps: (action: 'code' | 'lost' | 'assign', email: string) => t(`org.steps.${action}`, { link, email }),
    deliverOffer: (email: string) => t('org.deliverOffer', { email }),
    /** The admin's confirmation of a delivered code: never the code. `via` comes from adminText(lang).via. */
    deliverDone: (reach: Exclude<UserReach, 'not-notified'>, email: string, expiresAt: string, via: string) =>
      reach === 'reached'
        ? t('org.deliverSent', { email, via, date: formatDate(expiresAt, lang) })
        : reach === 'queued'
          ? t('org.deliverQueued', { email })
          : t('org.deliverUnreachable', { email }),
    deliverInGroup: t('org.deliverInGroup', { link }),
    deliverNeedsCode: t('org.deliverNeedsCode'),
    deliverMalformed: t('org.deliverMalformed'),
    deliverOnlyOrg: t('org.deliverOnlyOrg'),
    codeApiRefused: (email: string, answer: string) => t('org.codeApiRefused', { email, answer }),
    tokenRefused: t('org.tokenRefused'),
    tokenRefusedNotice: t('org.tokenRefusedNotice'),
    capabilityOff: (name: CapabilityName, reason: string) => t('org.capabilityOff', { capability: capability(name), reason: withoutPeriod(reason) }),
    unavailable: (reason: string) => t('org.unavailable', { reason: withoutPeriod(reason) }),
    refused: (reason: string) => t('org.refused', { reason }),
    /** How old the org data shown is: `readAt` is the last complete read, `now` the time of showing. */
    asOf: (readAt: string | undefined, now: Date) => {
      if (!readAt) return t('org.neverRead');
      const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(readAt)) / MINUTE_MS));
      if (minutes < 1) return t('org.asOfJustNow');
      return minutes < 120 ? t('org.asOfMinutes', { n: minutes }) : t('org.asOfHours', { n: Math.floor(minutes / 60) });
    },
    licensesHint: (names: string[]) => t('org.licensesHint', { names: names.join(', ') }),
    licensesNone: t('org.licensesNone'),
    licensesFromOrg: t('org.licensesFromOrg'),
    settingsLicenses: t('org.settingsLicenses'),
    /** The settings card's hint in org mode: no `settings licenses`, the pool is Control Hub's. */
    settingsHint: t('org.settingsHint'),
    deletedPool: (p: LicensePool) => t('org.deletedPool', { inUse: String(p.inUse), total: String(p.total), available: String(p.available) }),
    capabilityName: capability,
    capabilityState: (state: { available: true; note?: string } | { available: false; reason: string }) =>
      state.available
        ? state.note
          ? t('org.capabilityAvailableNote', { note: withoutPeriod(state.note) })
          : t('org.capabilityAvailable')
        : t('org.capabilityUnavailable', { reason: withoutPeriod(state.reason) }),
    lastSeenNever: t('org.lastSeenNever'),
    codeNotDelivered: t('org.codeNotDelivered'),
    /** A device's line in the `devices` list: the phone and when Webex last saw it. */
    listDetail: (product: string | undefined, lastSeen: string | undefined) =>
      [product, lastSeen ? t('org.listSeen', { when: formatDateTime(lastSeen, lang) }) : t('org.listNeverSeen')].filter(Boolean).join(' · '),
  };
}

export type OrgText = ReturnType<typeof orgText>;
