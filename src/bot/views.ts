/** Turns domain views into the cards and messages people see (text from the catalogue). */
import type { DeviceStatus, DeviceView, LicensePool, OrgSettings } from '../domain/types.js';
import { renderCard } from '../render/cards/renderCard.js';
import type { OutgoingMessage } from './ports.js';
import { formatDate, formatDateTime } from '../render/format.js';
import { ADMIN_TEXT } from '../render/messages/adminText.js';
import { CAUSE_LABEL, STATUS_LABEL } from '../render/messages/labels.js';

export const DEVICES_PER_PAGE = 10;

const STATUS_STYLE: Record<DeviceStatus, { color: string; subtle: boolean }> = {
  pending: { color: 'Default', subtle: true },
  online: { color: 'Good', subtle: false },
  offline: { color: 'Attention', subtle: false },
};

function codeLine(view: DeviceView): string | undefined {
  if (view.status !== 'pending') return undefined;
  if (!view.code) return ADMIN_TEXT.codeNone;
  return view.code.expired ? ADMIN_TEXT.codeExpired(formatDate(view.code.expiresAt)) : ADMIN_TEXT.codeExpires(formatDate(view.code.expiresAt));
}

/** The version a card's buttons carry: a press on an older card is recognised and does no harm. */
export function deviceVersion(view: DeviceView): string {
  return view.lastChange.at;
}

export function deviceCard(view: DeviceView, notice?: string): OutgoingMessage {
  const code = codeLine(view);
  const lastChange = `${CAUSE_LABEL[view.lastChange.cause]}${view.lastChange.by === 'phone' ? '' : ` by ${view.lastChange.by}`}, ${formatDateTime(view.lastChange.at)}`;
  const card = renderCard('device', {
    notice: notice ?? '',
    email: view.email,
    statusLabel: STATUS_LABEL[view.status],
    since: formatDateTime(view.statusSince),
    lastChange,
    codeLine: code ?? '',
    confirmLost: ADMIN_TEXT.confirmLost(view.email),
    confirmDelete: ADMIN_TEXT.confirmDelete(view.email),
    raw: {
      hasNotice: Boolean(notice),
      ...STATUS_STYLE[view.status],
      hasCodeLine: code !== undefined,
      canGenerate: view.canGenerateCode,
      email: view.email,
      deviceId: view.id,
      version: deviceVersion(view),
    },
  });
  const markdown = [notice, `Webex Go device of ${view.email}: **${STATUS_LABEL[view.status]}** since ${formatDateTime(view.statusSince)}.`]
    .filter(Boolean)
    .join('\n\n');
  return { markdown, card };
}

export function noticeCard(text: string): OutgoingMessage {
  return { markdown: text, card: renderCard('notice', { text }) };
}

export function devicesCard(all: DeviceView[], filter: DeviceStatus | undefined, page: number): OutgoingMessage {
  const pages = Math.max(1, Math.ceil(all.length / DEVICES_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const shown = all.slice((current - 1) * DEVICES_PER_PAGE, current * DEVICES_PER_PAGE);
  const counts = (['online', 'offline', 'pending'] as const)
    .map((s) => [s, all.filter((d) => d.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${STATUS_LABEL[s]}`);
  const title = filter ? `Webex Go devices: ${STATUS_LABEL[filter]}` : 'Webex Go devices';
  const summary = all.length === 0 ? 'No devices' : `${all.length} device${all.length === 1 ? '' : 's'}${filter ? '' : `: ${counts.join(', ')}`}`;
  const argsFor = (p: number) => [filter, `page ${p}`].filter(Boolean).join(' ');
  const card = renderCard('devices', {
    title,
    summary,
    rows: shown.map((d) => ({
      email: d.email,
      statusLabel: STATUS_LABEL[d.status],
      since: `since ${formatDate(d.statusSince)}`,
      raw: STATUS_STYLE[d.status],
    })),
    emptyText: filter ? `No device is ${STATUS_LABEL[filter]}.` : 'No Webex Go devices yet. Add one with assign <email>.',
    footer: `Page ${current} of ${pages} · type status <email> for a device's card and actions`,
    raw: {
      empty: all.length === 0,
      hasPrev: current > 1,
      hasNext: current < pages,
      prevArgs: argsFor(current - 1),
      nextArgs: argsFor(current + 1),
    },
  });
  const lines = shown.map((d) => `- ${d.email}: ${STATUS_LABEL[d.status]}`);
  return { markdown: [`**${title}** — ${summary} (page ${current} of ${pages})`, ...lines].join('\n'), card };
}

export function licensesCard(pool: LicensePool): OutgoingMessage {
  const card = renderCard('licenses', {
    total: String(pool.total),
    inUse: String(pool.inUse),
    available: String(pool.available),
    hint: 'Each Webex Go device uses one license; deleting a device returns it. Change the pool with settings licenses <number>.',
  });
  return { markdown: ADMIN_TEXT.poolLine(pool), card };
}

export function settingsCard(settings: OrgSettings, notice?: string): OutgoingMessage {
  const card = renderCard('settings', {
    notify: settings.notifyUsers ? 'on: users get their activation details from me' : 'off: admins hand the details over',
    licenses: String(settings.licenses),
    ttl: `${settings.codeTtlDays} days`,
    smdp: settings.smdpAddress,
    hint: 'Change with settings notify on|off, settings licenses <number>, settings ttl <days>.',
  });
  return { markdown: notice ?? ADMIN_TEXT.settingsChanged(settings), card };
}
