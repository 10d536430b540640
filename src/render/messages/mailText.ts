import type { ActivationDetails, IssueKind, Language } from '../../domain/types.js';
import { formatDate } from '../format.js';
import { translator } from '../i18n/translate.js';
import { guidesText, installGuides } from './installSteps.js';
import { sheetText } from './userText.js';

/** Wording of the emails, in the reader's language. */
export function mailText(lang: Language) {
  const t = translator(lang);
  const byKind = (prefix: 'mail.subject' | 'mail.heading' | 'mail.lead') =>
    Object.fromEntries(ISSUE_KINDS.map((kind) => [kind, t(`${prefix}.${kind}`)])) as Record<IssueKind, string>;
  return {
    subject: byKind('mail.subject'),
    heading: byKind('mail.heading'),
    lead: byKind('mail.lead'),
    qrAlt: t('mail.qrAlt'),
    sameDevice: t('mail.sameDevice'),
    detailsHeading: t('mail.detailsHeading'),
    stepsHeading: t('mail.stepsHeading'),
    /** The email an admin sends from their own mail program when notifications are off (a mailto: link). */
    handoverBody: (d: ActivationDetails) =>
      [
        t('mail.handover.hello'),
        '',
        t('mail.handover.ready'),
        t('mail.handover.iphone', { smdp: d.smdpAddress, code: d.matchingId }),
        t('mail.handover.android', { npc: d.networkProviderCode }),
        t('mail.handover.once', { date: formatDate(d.expiresAt, lang) }),
        '',
        guidesText(installGuides(lang)),
        '',
        sheetText(lang).footer,
      ].join('\n'),
    privacy: t('mail.privacy'),
    deleted: {
      subject: t('mail.deleted.subject'),
      heading: t('mail.deleted.subject'),
      lead: t('mail.deleted.lead'),
      removeIntro: t('mail.deleted.removeIntro'),
      footer: t('mail.deleted.footer'),
    },
  };
}

const ISSUE_KINDS: readonly IssueKind[] = ['assign', 'new-code', 'lost-stolen'];

/** Mail errors, for whoever runs the bot and in admins' failure notices. They start lower-case with no final period: they sit inside dmFailed-style sentences. */
export const MAIL_ERRORS = {
  badUrl:
    'the SMTP URL must look like smtp://user:password@mail.example.com:587 (or smtps://… for port 465)',
  badFrom: 'the sender address of the emails must be an email address like webex-go@example.com',
  connect: (server: string, reason: string) => `could not connect to ${server}: ${reason}`,
  refusedConnection: 'nothing accepts connections there (connection refused)',
  hostNotFound: 'the host name was not found',
  unreachable: 'the host cannot be reached from here',
  noAnswer: (time: string) => `no answer within ${time}`,
  noGreeting: (time: string) => `the connection opened but the server did not answer within ${time}`,
  tlsFailed: 'the secure (TLS) connection could not be set up',
  connectionClosed: (server: string) => `the connection to ${server} closed before the email was sent`,
  stalled: (server: string, time: string) => `the mail server ${server} stopped answering for ${time}`,
  deadline: (server: string, time: string) => `the mail server ${server} did not take the email within ${time}`,
  loginRefused: (server: string, response: string) => `the mail server ${server} refused the login: ${response}`,
  loginMissing: (server: string) =>
    `the mail server ${server} needs a login: put the user name and password in the SMTP URL`,
  refusedFor: (email: string, response: string) => `the mail server refused the message for ${email}: ${response}`,
  refused: (response: string) => `the mail server refused the message: ${response}`,
  failed: (detail: string) => `sending the email failed: ${detail}`,
  redacted: '[activation code]',
} as const;
