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

/**
 * Why an email could not be sent, in `lang`: for whoever runs the bot (logs, start-up: English)
 * and in admins' failure notices. They start lower-case with no final period: they sit inside
 * mailFailed-style sentences.
 */
export function mailErrors(lang: Language) {
  const t = translator(lang);
  return {
    badUrl: t('mailError.badUrl'),
    badFrom: t('mailError.badFrom'),
    connect: (server: string, reason: string) => t('mailError.connect', { server, reason }),
    refusedConnection: t('mailError.refusedConnection'),
    hostNotFound: t('mailError.hostNotFound'),
    unreachable: t('mailError.unreachable'),
    noAnswer: (time: string) => t('mailError.noAnswer', { time }),
    noGreeting: (time: string) => t('mailError.noGreeting', { time }),
    tlsFailed: t('mailError.tlsFailed'),
    connectionClosed: (server: string) => t('mailError.connectionClosed', { server }),
    stalled: (server: string, time: string) => t('mailError.stalled', { server, time }),
    deadline: (server: string, time: string) => t('mailError.deadline', { server, time }),
    loginRefused: (server: string, response: string) => t('mailError.loginRefused', { server, response }),
    loginMissing: (server: string) => t('mailError.loginMissing', { server }),
    refusedFor: (email: string, response: string) => t('mailError.refusedFor', { email, response }),
    refused: (response: string) => t('mailError.refused', { response }),
    failed: (detail: string) => t('mailError.failed', { detail }),
    redacted: t('mailError.redacted'),
  };
}

export type MailErrors = ReturnType<typeof mailErrors>;
