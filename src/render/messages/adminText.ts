/** What admins read, in the reader's language: outcomes of their actions, views of devices, licenses, settings, admins and audit. */
import type { ActivationDetails, AuditRecord, DeviceStatus, IssueKind, Language, LicensePool, OrgSettings } from '../../domain/types.js';
import { formatDate, formatDateTime } from '../format.js';
import { translator } from '../i18n/translate.js';
import { actionLabel, statusLabel } from './labels.js';
import { activationDetailsMarkdown } from './userText.js';

// Counts go in as typed (a pool of 1000000 reads as the admin typed it); only plurals format them.
// Webex's own error sentences end with a period; the sentences around them add their own.
const withoutPeriod = (reason: string) => reason.trim().replace(/\.+$/, '');

export function adminText(lang: Language) {
  const t = translator(lang);
  const issue = (kind: IssueKind) => t(`admin.issue.${kind}`);
  const status = (s: DeviceStatus) => statusLabel(s, lang);
  const minutes = (n: number) => t('count.minutes', { n });
  return {
    // Outcomes posted where the admin acted: never a code.
    issuedPublic: (kind: IssueKind, email: string, notified: boolean, admin: string) =>
      `${t('admin.issuedPublic', { issue: issue(kind), email })} ` +
      (notified ? t('admin.issuedNotified', { email, admin }) : t('admin.issuedNotNotified', { admin })),
    deletedPublic: (email: string, notified: boolean) =>
      `${t('admin.deletedPublic', { email })} ${notified ? t('admin.deletedNotified', { email }) : t('admin.deletedNotNotified', { email })}`,
    outdatedCard: (email: string) => t('admin.outdatedCard', { email }),
    deviceGone: (email: string) => t('admin.deviceGone', { email }),
    cancelled: t('admin.cancelled'),
    confirmDelete: (email: string) => t('admin.confirmDelete', { email }),
    confirmDeleteTitle: t('admin.confirmDeleteTitle'),
    confirmLost: (email: string) => t('admin.confirmLost', { email }),
    confirmLostTitle: t('admin.confirmLostTitle'),
    noDevice: (email: string) => t('admin.noDevice', { email }),
    dmFailed: (email: string, reason: string) => t('admin.dmFailed', { email, reason: withoutPeriod(reason) }),
    mailFailed: (email: string, reason: string) => t('admin.mailFailed', { email, reason }),
    via: (channels: ('webex' | 'email')[]) => {
      const words = channels.map((c) => (c === 'webex' ? t('admin.viaWebex') : t('admin.viaEmail')));
      if (words.length === 0) return t('admin.viaWebex');
      return words.length === 1 ? words[0] : t('admin.viaBoth', { first: words[0], second: words[1] });
    },
    /** `unreachable`: notifications are on but the 1:1 to the user failed. `via` comes from `via()` in the same language. */
    activation: (kind: IssueKind, d: ActivationDetails, notified: boolean, unreachable = false, via = t('admin.viaWebex')) =>
      [
        `${t('admin.activationTitle', { issue: issue(kind), email: d.email })} ${
          notified
            ? t('admin.activationNotified', { email: d.email, via })
            : unreachable
              ? t('admin.activationUnreachable', { email: d.email })
              : t('admin.activationNotNotified')
        }`,
        '',
        activationDetailsMarkdown(d, lang),
      ].join('\n'),
    /** The admin's copy when the user's message is waiting in the outbox. */
    activationQueued: (kind: IssueKind, d: ActivationDetails) =>
      [
        `${t('admin.activationTitle', { issue: issue(kind), email: d.email })} ${t('admin.activationQueued', { email: d.email })}`,
        '',
        activationDetailsMarkdown(d, lang),
      ].join('\n'),

    // What the outbox could not deliver: never a code.
    undelivered: (what: string, why: string) => t('admin.undelivered', { what, why }),
    undeliveredActivation: (email: string) => t('admin.undeliveredActivation', { email }),
    undeliveredActivationCopy: (admin: string, email: string) => t('admin.undeliveredActivationCopy', { admin, email }),
    undeliveredLineDeleted: (email: string) => t('admin.undeliveredLineDeleted', { email }),
    undeliveredOutcome: (markdown: string) => t('admin.undeliveredOutcome', { line: markdown.split('\n')[0] }),
    gaveUpAfter: (n: number, reason: string) => t('admin.gaveUpAfter', { minutes: minutes(n), reason: withoutPeriod(reason) }),
    /** A 1:1 Webex may have taken, which could not be checked before the give-up time. */
    gaveUpUnsure: (n: number, reason: string) => t('admin.gaveUpUnsure', { minutes: minutes(n), reason: withoutPeriod(reason) }),
    refusedBy: (reason: string) => t('admin.refusedBy', { reason: withoutPeriod(reason) }),
    perhapsPosted: (reason: string) => t('admin.perhapsPosted', { reason: withoutPeriod(reason) }),
    handoverCodeLabel: (smdpAddress: string) => t('admin.handoverCodeLabel', { smdp: smdpAddress }),
    handoverNpcLabel: t('admin.handoverNpcLabel'),
    handoverCard: (email: string) => t('admin.handoverCard', { email }),
    sheetAttached: (email: string) => t('admin.sheetAttached', { email }),

    // The device card and the devices list.
    deviceLine: (email: string, s: DeviceStatus, since: string) =>
      t('admin.deviceLine', { email, status: status(s), since: formatDateTime(since, lang) }),
    lastChangeBy: (cause: string, by: string | undefined, at: string) =>
      by ? t('admin.lastChangeBy', { cause, by, at: formatDateTime(at, lang) }) : t('admin.lastChange', { cause, at: formatDateTime(at, lang) }),
    codeNone: t('admin.codeNone'),
    codeExpires: (date: string) => t('admin.codeExpires', { date: formatDate(date, lang) }),
    codeExpired: (date: string) => t('admin.codeExpired', { date: formatDate(date, lang) }),
    devicesTitle: (filter: DeviceStatus | undefined) =>
      filter ? t('admin.devicesTitleFiltered', { status: status(filter) }) : t('admin.devicesTitle'),
    devicesSummary: (total: number, counts: [DeviceStatus, number][] | undefined) => {
      if (total === 0) return t('admin.devicesNone');
      const count = t('admin.devicesCount', { n: total });
      if (!counts) return count;
      return t('admin.devicesCounted', { count, counts: counts.map(([s, n]) => t('admin.devicesStatusCount', { n: String(n), status: status(s) })).join(', ') });
    },
    devicesSince: (iso: string) => t('admin.devicesSince', { date: formatDate(iso, lang) }),
    devicesEmpty: (filter: DeviceStatus | undefined) =>
      filter ? t('admin.devicesEmptyFiltered', { status: status(filter) }) : t('admin.devicesEmpty'),
    devicesFooter: (page: number, pages: number) => t('admin.devicesFooter', { page: String(page), pages: String(pages) }),
    devicesText: (title: string, summary: string, page: number, pages: number) => t('admin.devicesText', { title, summary, page: String(page), pages: String(pages) }),
    devicesTextLine: (email: string, s: DeviceStatus) => `- ${email}: ${status(s)}`,

    // Licenses and settings.
    poolLine: (p: LicensePool) => t('admin.poolLine', { inUse: String(p.inUse), total: String(p.total), available: String(p.available) }),
    licensesHint: t('admin.licensesHint'),
    settingsTitle: t('admin.settingsTitle'),
    settingsNotify: (on: boolean) => (on ? t('admin.settingsNotifyOn') : t('admin.settingsNotifyOff')),
    settingsTtl: (days: number) => t('admin.settingsTtl', { days: String(days) }),
    settingsHint: t('admin.settingsHint'),
    settingsChanged: (s: OrgSettings) =>
      t('admin.settingsChanged', {
        notify: s.notifyUsers ? t('admin.on') : t('admin.off'),
        licenses: String(s.licenses),
        days: String(s.codeTtlDays),
        smdp: s.smdpAddress,
      }),

    // Admins and audit.
    admins: (emails: string[]) => [t('admin.admins', { count: String(emails.length) }), ...emails.map((e) => `- ${e}`)].join('\n'),
    adminAdded: (email: string) => t('admin.adminAdded', { email }),
    adminRemoved: (email: string) => t('admin.adminRemoved', { email }),
    auditEmpty: t('admin.auditEmpty'),
    auditTitle: (email: string | undefined, count: number) =>
      email ? t('admin.auditTitleFor', { email, count: String(count) }) : t('admin.auditTitle', { count: String(count) }),
    auditLine: (r: AuditRecord) =>
      `- ${formatDateTime(r.at, lang)} · ${r.actor} ${actionLabel(r.action, lang)}${r.email ? ` · ${r.email}` : ''}` +
      (r.outcome === 'refused' ? ` · ${t('admin.auditRefused', { reason: r.reason ?? '' })}` : ''),
  };
}

export type AdminText = ReturnType<typeof adminText>;
