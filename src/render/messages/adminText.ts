/** What admins read: outcomes of their actions, views of devices, licenses, settings, admins and audit. */
import type { ActivationDetails, AuditRecord, DeviceStatus, IssueKind, LicensePool, OrgSettings } from '../../domain/types.js';
import { formatDate, formatDateTime } from '../format.js';
import { actionLabel, statusLabel } from './labels.js';
import { activationDetailsMarkdown } from './userText.js';

const ISSUE_LABEL: Record<IssueKind, string> = {
  assign: 'Webex Go device added',
  'new-code': 'New activation code issued',
  'lost-stolen': 'Lost/stolen: the old phone\'s line is off and a new activation code is issued',
};

export const ADMIN_TEXT = {
  // Outcomes posted where the admin acted: never a code.
  issuedPublic: (kind: IssueKind, email: string, notified: boolean, admin: string) =>
    `${ISSUE_LABEL[kind]} for ${email}. ` +
    (notified
      ? `The activation details were sent to ${email} privately, and a copy to ${admin}'s 1:1 with me.`
      : `Notifications are off, so ${admin} has the activation details in a 1:1 with me to hand over.`),
  deletedPublic: (email: string, notified: boolean) =>
    `Webex Go device of ${email} deleted; its license is back in the pool. ` +
    (notified
      ? `${email} was told to remove the deactivated line from the phone by hand.`
      : `Notifications are off: tell ${email} to remove the deactivated Webex Go line from the phone by hand.`),
  outdatedCard: (email: string) => `This card was out of date, so nothing was done. Here is ${email}'s device as it is now.`,
  deviceGone: (email: string) => `${email} no longer has a Webex Go device, so nothing was done.`,
  cancelled: 'Cancelled: nothing was changed.',
  confirmDelete: (email: string) =>
    `Delete the Webex Go device of ${email}? The line stops working, the license returns to the pool, and ${email} must remove the line from the phone by hand.`,
  confirmDeleteTitle: 'Yes, delete',
  confirmLost: (email: string) =>
    `Mark the phone of ${email} as lost/stolen? The line on that phone is switched off for good and a new activation code is issued for the replacement phone.`,
  confirmLostTitle: 'Yes, mark lost/stolen',
  noDevice: (email: string) => `${email} has no Webex Go device. Add one with **assign ${email}**.`,
  // Webex's own error sentences end with a period; this sentence adds its own.
  dmFailed: (email: string, reason: string) =>
    `I could not reach ${email}: ${reason.trim().replace(/\.+$/, '')}. The change itself is done; hand the details over another way.`,
  mailFailed: (email: string, reason: string) =>
    `I could not email ${email}: ${reason}. The change itself is done; nothing will be retried, so hand the details over another way if needed.`,
  via: (channels: ('webex' | 'email')[]) =>
    channels.map((c) => (c === 'webex' ? 'in a 1:1 with me' : 'by email')).join(' and ') || 'in a 1:1 with me',
  /** `unreachable`: notifications are on but the 1:1 to the user failed. */
  activation: (kind: IssueKind, d: ActivationDetails, notified: boolean, unreachable = false, via = 'in a 1:1 with me') =>
    [
      `**${ISSUE_LABEL[kind]} for ${d.email}.** ${
        notified
          ? `${d.email} got these details ${via}.`
          : unreachable
            ? `I could not reach ${d.email}, so they do not have these details yet: hand them over another way.`
            : 'Notifications are off: the user got nothing from me. Copy, email or print these details for them.'
      }`,
      '',
      activationDetailsMarkdown(d, 'en'),
    ].join('\n'),
  /** The admin's copy when the user's message is waiting in the outbox. */
  activationQueued: (kind: IssueKind, d: ActivationDetails) =>
    [
      `**${ISSUE_LABEL[kind]} for ${d.email}.** Webex did not take my message to ${d.email} just now: I keep trying, and admins are told if it never gets through.`,
      '',
      activationDetailsMarkdown(d, 'en'),
    ].join('\n'),

  // What the outbox could not deliver: never a code.
  undelivered: (what: string, why: string) => `**Not delivered:** ${what}. ${why} Hand it over another way if it still matters.`,
  undeliveredActivation: (email: string) => `the activation details for ${email} (once Webex answers again, they can type **resend** in their 1:1 with me)`,
  undeliveredActivationCopy: (admin: string, email: string) => `${admin}'s copy of the activation details for ${email}`,
  undeliveredLineDeleted: (email: string) => `the notice to ${email} that their Webex Go line was deleted and must be removed from the phone by hand`,
  undeliveredOutcome: (markdown: string) => `the outcome of an admin's action, in the space where it was taken: "${markdown.split('\n')[0]}"`,
  gaveUpAfter: (minutes: number, reason: string) =>
    `Webex did not take it for ${minutes} minute${minutes === 1 ? '' : 's'} (the last answer: ${reason.trim().replace(/\.+$/, '')}), so I stopped trying.`,
  /** A 1:1 Webex may have taken, which could not be checked before the give-up time. */
  gaveUpUnsure: (minutes: number, reason: string) =>
    `Webex did not answer for ${minutes} minute${minutes === 1 ? '' : 's'} (the last answer: ${reason.trim().replace(/\.+$/, '')}), so I stopped trying; it may have arrived once, or not at all.`,
  refusedBy: (reason: string) => `Webex refused it: ${reason.trim().replace(/\.+$/, '')}.`,
  perhapsPosted: (reason: string) =>
    `Webex did not say whether it was posted (${reason.trim().replace(/\.+$/, '')}), and a bot cannot check a group space, so I did not post it again: it may be there once, or not at all.`,
  handoverCodeLabel: (smdpAddress: string) => `Activation code (iPhone), SM-DP+ address ${smdpAddress}`,
  handoverNpcLabel: 'Network provider code (Android)',
  handoverCard: (email: string) => `Hand the activation details to ${email}: email them, or print the attached sheet.`,
  sheetAttached: (email: string) => `Printable activation sheet for ${email}.`,

  // The device card and the devices list.
  deviceLine: (email: string, status: DeviceStatus, since: string) =>
    `Webex Go device of ${email}: **${statusLabel(status, 'en')}** since ${formatDateTime(since)}.`,
  lastChangeBy: (cause: string, by: string | undefined, at: string) => `${cause}${by ? ` by ${by}` : ''}, ${formatDateTime(at)}`,
  codeNone: 'none that works: generate a new one',
  codeExpires: (date: string) => `expires on ${formatDate(date)}`,
  codeExpired: (date: string) => `Code expired on ${formatDate(date)}: generate a new one`,
  devicesTitle: (filter: DeviceStatus | undefined) => (filter ? `Webex Go devices: ${statusLabel(filter, 'en')}` : 'Webex Go devices'),
  devicesSummary: (total: number, counts: [DeviceStatus, number][] | undefined) =>
    total === 0
      ? 'No devices'
      : `${total} device${total === 1 ? '' : 's'}${counts ? `: ${counts.map(([s, n]) => `${n} ${statusLabel(s, 'en')}`).join(', ')}` : ''}`,
  devicesSince: (iso: string) => `since ${formatDate(iso)}`,
  devicesEmpty: (filter: DeviceStatus | undefined) =>
    filter ? `No device is ${statusLabel(filter, 'en')}.` : 'No Webex Go devices yet. Add one with assign <email>.',
  devicesFooter: (page: number, pages: number) => `Page ${page} of ${pages} · type status <email> for a device's card and actions`,
  devicesText: (title: string, summary: string, page: number, pages: number) => `**${title}** — ${summary} (page ${page} of ${pages})`,
  devicesTextLine: (email: string, status: DeviceStatus) => `- ${email}: ${statusLabel(status, 'en')}`,

  // Licenses and settings.
  poolLine: (p: LicensePool) => `${p.inUse} of ${p.total} Webex Go licenses in use, ${p.available} available.`,
  licensesHint: 'Each Webex Go device uses one license; deleting a device returns it. Change the pool with settings licenses <number>.',
  settingsTitle: 'Webex Go settings.',
  settingsNotify: (on: boolean) => (on ? 'on: users get their activation details from me' : 'off: admins hand the details over'),
  settingsTtl: (days: number) => `${days} days`,
  settingsHint: 'Change with settings notify on|off, settings licenses <number>, settings ttl <days>, settings smdp <host>.',
  settingsChanged: (s: OrgSettings) =>
    `Settings saved: notify users **${s.notifyUsers ? 'on' : 'off'}**, **${s.licenses}** licenses, codes last **${s.codeTtlDays}** days, SM-DP+ \`${s.smdpAddress}\`.`,

  // Admins and audit.
  admins: (emails: string[]) => `**Webex Go admins** (${emails.length}):\n${emails.map((e) => `- ${e}`).join('\n')}`,
  adminAdded: (email: string) => `${email} is now a Webex Go admin.`,
  adminRemoved: (email: string) => `${email} is no longer a Webex Go admin.`,
  auditEmpty: 'No audit records yet.',
  auditTitle: (email: string | undefined, count: number) => `**Audit trail${email ? ` for ${email}` : ''}** (newest first, ${count}):`,
  auditLine: (r: AuditRecord) =>
    `- ${formatDateTime(r.at)} · ${r.actor} ${actionLabel(r.action, 'en')}${r.email ? ` · ${r.email}` : ''}` +
    (r.outcome === 'refused' ? ` · **refused** (${r.reason})` : ''),
};
