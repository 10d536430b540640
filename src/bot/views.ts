/** Turns domain views into the cards and messages people see (text from the catalogue), in the reader's language `lang`. */
import { ORG_ACTOR, PHONE_ACTOR, type ActivationDetails, type DeviceStatus, type DeviceView, type Language, type LicensePool, type OrgLine, type OrgSettings } from '../domain/types.js';
import { renderCard } from '../render/cards/renderCard.js';
import { formatDateTime } from '../render/format.js';
import { adminText } from '../render/messages/adminText.js';
import { causeLabel, statusLabel } from '../render/messages/labels.js';
import { mailText } from '../render/messages/mailText.js';
import { orgText, type CapabilityName } from '../render/messages/orgText.js';
import type { OutgoingMessage } from './ports.js';
import type { CommandName } from './types.js';

export const DEVICES_PER_PAGE = 10;

const STATUS_STYLE: Record<DeviceStatus, { color: string; subtle: boolean }> = {
  pending: { color: 'Default', subtle: true },
  online: { color: 'Good', subtle: false },
  offline: { color: 'Attention', subtle: false },
  unknown: { color: 'Warning', subtle: false },
};

function codeLine(view: DeviceView, lang: Language): string | undefined {
  const ADMIN_TEXT = adminText(lang);
  if (view.status !== 'pending') return undefined;
  // Org mode: the bot knows only the codes delivered through it; Control Hub knows the device's current one.
  if (!view.code) return view.org ? orgText(lang).codeNotDelivered : ADMIN_TEXT.codeNone;
  return view.code.expired ? ADMIN_TEXT.codeExpired(view.code.expiresAt) : ADMIN_TEXT.codeExpires(view.code.expiresAt);
}

/** The version a card's buttons carry: a press on an older card is recognised and does no harm. */
export function deviceVersion(view: DeviceView): string {
  return view.lastChange.at;
}

/** What Webex reported, as it reported it: `connected · activated`. */
function webexReports(org: OrgLine): string {
  return [org.connectionStatus, org.activationState].filter(Boolean).join(' · ');
}

/**
 * A device's card. `source` (org mode) says where its status comes from and how old it is; a
 * device of the org also shows the person's name, the phone and when Webex last saw it.
 */
export function deviceCard(view: DeviceView, lang: Language, notice?: string, source?: string): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const code = codeLine(view, lang);
  const { cause, by, at } = view.lastChange;
  const org = view.org;
  const reported = org ? webexReports(org) : '';
  const card = renderCard('device', {
    notice: notice ?? '',
    email: view.email,
    name: org?.displayName ?? '',
    statusLabel: statusLabel(view.status, lang),
    since: formatDateTime(view.statusSince, lang),
    lastChange: ADMIN_TEXT.lastChangeBy(causeLabel(cause, lang), by === PHONE_ACTOR || by === ORG_ACTOR ? undefined : by, at),
    codeLine: code ?? '',
    product: org?.product ?? '',
    lastSeen: org ? (org.lastSeen ? formatDateTime(org.lastSeen, lang) : orgText(lang).lastSeenNever) : '',
    webexReports: reported,
    source: source ?? '',
    confirmLost: ADMIN_TEXT.confirmLost(view.email),
    confirmDelete: ADMIN_TEXT.confirmDelete(view.email),
    raw: {
      hasNotice: Boolean(notice),
      hasName: Boolean(org?.displayName),
      hasProduct: Boolean(org?.product),
      isOrg: Boolean(org),
      hasWebexReports: Boolean(reported),
      hasSource: Boolean(source),
      ...STATUS_STYLE[view.status],
      hasCodeLine: code !== undefined,
      canGenerate: view.canGenerateCode,
      confirmLostTitle: ADMIN_TEXT.confirmLostTitle,
      confirmDeleteTitle: ADMIN_TEXT.confirmDeleteTitle,
      email: view.email,
      deviceId: view.id,
      version: deviceVersion(view),
    },
  }, lang);
  const who = org?.displayName ? `${org.displayName} (${view.email})` : view.email;
  const markdown = [notice, ADMIN_TEXT.deviceLine(who, view.status, view.statusSince), source].filter(Boolean).join('\n\n');
  return { markdown, card };
}

/** What a destructive command asks before it acts; its Yes button runs `command` again, confirmed. */
export interface Confirmation {
  command: CommandName;
  confirmTitle: string;
  question: string;
}

export function confirmCard(view: DeviceView, confirmation: Confirmation, lang: Language): OutgoingMessage {
  const card = renderCard('confirm', {
    question: confirmation.question,
    raw: {
      confirmTitle: confirmation.confirmTitle,
      command: confirmation.command,
      email: view.email,
      deviceId: view.id,
      version: deviceVersion(view),
    },
  }, lang);
  return { markdown: confirmation.question, card };
}

/**
 * The admin's way to hand activation details over when notifications are off. Private: it carries
 * the code. The card is in the admin's language, its email to the user in the user's, `userLanguage`.
 */
export function handoverCard(details: ActivationDetails, lang: Language, userLanguage: Language): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const mail = mailText(userLanguage);
  const mailto =
    `mailto:${encodeURIComponent(details.email)}?subject=${encodeURIComponent(mail.subject.assign)}` +
    `&body=${encodeURIComponent(mail.handoverBody(details))}`;
  const card = renderCard('handover', {
    text: ADMIN_TEXT.handoverCard(details.email),
    codeLabel: ADMIN_TEXT.handoverCodeLabel(details.smdpAddress),
    npcLabel: ADMIN_TEXT.handoverNpcLabel,
    raw: { matchingId: details.matchingId, networkProviderCode: details.networkProviderCode, mailto },
  }, lang);
  return { markdown: ADMIN_TEXT.handoverCard(details.email), card };
}

/** The watch space's reminder of a code about to expire (or expired), with a button for a new one. */
export function reminderCard(view: DeviceView, text: string, lang: Language): OutgoingMessage {
  return { markdown: text, card: renderCard('reminder', { text, raw: { email: view.email, deviceId: view.id, version: deviceVersion(view) } }, lang) };
}

/** A card of one sentence, already in its reader's language. */
export function noticeCard(text: string): OutgoingMessage {
  return { markdown: text, card: renderCard('notice', { text }, 'en') };
}

/** Every device, paged; `source` (org mode) says where the statuses come from and how old they are. */
export function devicesCard(all: DeviceView[], filter: DeviceStatus | undefined, page: number, lang: Language, source?: string): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const pages = Math.max(1, Math.ceil(all.length / DEVICES_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const shown = all.slice((current - 1) * DEVICES_PER_PAGE, current * DEVICES_PER_PAGE);
  const counts = (['online', 'offline', 'pending', 'unknown'] as const)
    .map((s): [DeviceStatus, number] => [s, all.filter((d) => d.status === s).length])
    .filter(([, n]) => n > 0);
  const title = ADMIN_TEXT.devicesTitle(filter);
  const summary = ADMIN_TEXT.devicesSummary(all.length, filter ? undefined : counts);
  const argsFor = (p: number) => [filter, `page ${p}`].filter(Boolean).join(' ');
  const card = renderCard('devices', {
    title,
    summary,
    source: source ?? '',
    rows: shown.map((d) => ({
      email: d.org?.displayName ? `${d.email} · ${d.org.displayName}` : d.email,
      detail: d.org ? orgText(lang).listDetail(d.org.product, d.org.lastSeen) : '',
      statusLabel: statusLabel(d.status, lang),
      since: ADMIN_TEXT.devicesSince(d.statusSince),
      raw: { ...STATUS_STYLE[d.status], hasDetail: Boolean(d.org) },
    })),
    emptyText: ADMIN_TEXT.devicesEmpty(filter),
    footer: ADMIN_TEXT.devicesFooter(current, pages),
    raw: {
      hasSource: Boolean(source),
      empty: all.length === 0,
      hasPrev: current > 1,
      hasNext: current < pages,
      prevArgs: argsFor(current - 1),
      nextArgs: argsFor(current + 1),
    },
  }, lang);
  const lines = shown.map((d) => ADMIN_TEXT.devicesTextLine(d.email, d.status));
  return { markdown: [ADMIN_TEXT.devicesText(title, summary, current, pages), ...lines, ...(source ? [source] : [])].join('\n'), card };
}

/** The license pool; `hint` replaces the registry's (org mode: where the numbers come from). */
export function licensesCard(pool: LicensePool, lang: Language, hint?: string): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const card = renderCard('licenses', {
    total: String(pool.total),
    inUse: String(pool.inUse),
    available: String(pool.available),
    hint: hint ?? ADMIN_TEXT.licensesHint,
  }, lang);
  return { markdown: [ADMIN_TEXT.poolLine(pool), hint].filter(Boolean).join('\n\n'), card };
}

/** In org mode: one line per capability (available, or why not); the pool is the org's, not a setting. */
export interface OrgSettingsView {
  capabilities: [CapabilityName, CapabilityView][];
}
export type CapabilityView = { available: true } | { available: false; reason: string };

export function settingsCard(settings: OrgSettings, lang: Language, notice?: string, org?: OrgSettingsView): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const ORG_TEXT = orgText(lang);
  const capabilities = (org?.capabilities ?? []).map(([name, state]) => ({ title: ORG_TEXT.capabilityName(name), value: ORG_TEXT.capabilityState(state) }));
  const card = renderCard('settings', {
    notify: ADMIN_TEXT.settingsNotify(settings.notifyUsers),
    licenses: org ? ORG_TEXT.licensesFromOrg : String(settings.licenses),
    ttl: ADMIN_TEXT.settingsTtl(settings.codeTtlDays),
    smdp: settings.smdpAddress,
    hint: org ? ORG_TEXT.settingsHint : ADMIN_TEXT.settingsHint,
    capabilities,
    raw: { hasCapabilities: capabilities.length > 0 },
  }, lang);
  const lines = capabilities.map((c) => `- ${c.title}: ${c.value}`);
  return { markdown: [notice ?? ADMIN_TEXT.settingsChanged(settings), ...lines].join('\n'), card };
}
