/** Turns domain views into the cards and messages people see (text from the catalogue), in the reader's language `lang`. */
import type { ActivationDetails, DeviceStatus, DeviceView, Language, LicensePool, OrgSettings } from '../domain/types.js';
import { renderCard } from '../render/cards/renderCard.js';
import { formatDateTime } from '../render/format.js';
import { adminText } from '../render/messages/adminText.js';
import { causeLabel, statusLabel } from '../render/messages/labels.js';
import { mailText } from '../render/messages/mailText.js';
import type { OutgoingMessage } from './ports.js';
import type { CommandName } from './types.js';

export const DEVICES_PER_PAGE = 10;

const STATUS_STYLE: Record<DeviceStatus, { color: string; subtle: boolean }> = {
  pending: { color: 'Default', subtle: true },
  online: { color: 'Good', subtle: false },
  offline: { color: 'Attention', subtle: false },
};

function codeLine(view: DeviceView, lang: Language): string | undefined {
  const ADMIN_TEXT = adminText(lang);
  if (view.status !== 'pending') return undefined;
  if (!view.code) return ADMIN_TEXT.codeNone;
  return view.code.expired ? ADMIN_TEXT.codeExpired(view.code.expiresAt) : ADMIN_TEXT.codeExpires(view.code.expiresAt);
}

/** The version a card's buttons carry: a press on an older card is recognised and does no harm. */
export function deviceVersion(view: DeviceView): string {
  return view.lastChange.at;
}

export function deviceCard(view: DeviceView, lang: Language, notice?: string): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const code = codeLine(view, lang);
  const { cause, by, at } = view.lastChange;
  const card = renderCard('device', {
    notice: notice ?? '',
    email: view.email,
    statusLabel: statusLabel(view.status, lang),
    since: formatDateTime(view.statusSince, lang),
    lastChange: ADMIN_TEXT.lastChangeBy(causeLabel(cause, lang), by === 'phone' ? undefined : by, at),
    codeLine: code ?? '',
    confirmLost: ADMIN_TEXT.confirmLost(view.email),
    confirmDelete: ADMIN_TEXT.confirmDelete(view.email),
    raw: {
      hasNotice: Boolean(notice),
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
  const markdown = [notice, ADMIN_TEXT.deviceLine(view.email, view.status, view.statusSince)].filter(Boolean).join('\n\n');
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

export function devicesCard(all: DeviceView[], filter: DeviceStatus | undefined, page: number, lang: Language): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const pages = Math.max(1, Math.ceil(all.length / DEVICES_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const shown = all.slice((current - 1) * DEVICES_PER_PAGE, current * DEVICES_PER_PAGE);
  const counts = (['online', 'offline', 'pending'] as const)
    .map((s): [DeviceStatus, number] => [s, all.filter((d) => d.status === s).length])
    .filter(([, n]) => n > 0);
  const title = ADMIN_TEXT.devicesTitle(filter);
  const summary = ADMIN_TEXT.devicesSummary(all.length, filter ? undefined : counts);
  const argsFor = (p: number) => [filter, `page ${p}`].filter(Boolean).join(' ');
  const card = renderCard('devices', {
    title,
    summary,
    rows: shown.map((d) => ({
      email: d.email,
      statusLabel: statusLabel(d.status, lang),
      since: ADMIN_TEXT.devicesSince(d.statusSince),
      raw: STATUS_STYLE[d.status],
    })),
    emptyText: ADMIN_TEXT.devicesEmpty(filter),
    footer: ADMIN_TEXT.devicesFooter(current, pages),
    raw: {
      empty: all.length === 0,
      hasPrev: current > 1,
      hasNext: current < pages,
      prevArgs: argsFor(current - 1),
      nextArgs: argsFor(current + 1),
    },
  }, lang);
  const lines = shown.map((d) => ADMIN_TEXT.devicesTextLine(d.email, d.status));
  return { markdown: [ADMIN_TEXT.devicesText(title, summary, current, pages), ...lines].join('\n'), card };
}

export function licensesCard(pool: LicensePool, lang: Language): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const card = renderCard('licenses', {
    total: String(pool.total),
    inUse: String(pool.inUse),
    available: String(pool.available),
    hint: ADMIN_TEXT.licensesHint,
  }, lang);
  return { markdown: ADMIN_TEXT.poolLine(pool), card };
}

export function settingsCard(settings: OrgSettings, lang: Language, notice?: string): OutgoingMessage {
  const ADMIN_TEXT = adminText(lang);
  const card = renderCard('settings', {
    notify: ADMIN_TEXT.settingsNotify(settings.notifyUsers),
    licenses: String(settings.licenses),
    ttl: ADMIN_TEXT.settingsTtl(settings.codeTtlDays),
    smdp: settings.smdpAddress,
    hint: ADMIN_TEXT.settingsHint,
  }, lang);
  return { markdown: notice ?? ADMIN_TEXT.settingsChanged(settings), card };
}
