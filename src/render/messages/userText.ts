/** What end users read: their activation details, their line, the deletion notice. Codes appear only here, in private. */
import type { ActivationDetails, DeviceView, IssueKind, Language } from '../../domain/types.js';
import { formatDate, formatDateTime } from '../format.js';
import { translator } from '../i18n/translate.js';
import { guidesMarkdown, installGuides, removeLineGuides } from './installSteps.js';
import { statusLabel } from './labels.js';

/** The activation facts, as label/value pairs for the sheet and the email. */
export function activationFields(d: ActivationDetails, lang: Language): { label: string; value: string }[] {
  const t = translator(lang);
  return [
    { label: t('field.smdp'), value: d.smdpAddress },
    { label: t('field.code'), value: d.matchingId },
    { label: t('field.npc'), value: d.networkProviderCode },
    { label: t('field.expires'), value: formatDate(d.expiresAt, lang) },
  ];
}

/** The activation facts in markdown, for the user's and the issuing admin's 1:1. */
export function activationDetailsMarkdown(d: ActivationDetails, lang: Language): string {
  const t = translator(lang);
  return [
    t('details.iphone', { smdp: d.smdpAddress, code: d.matchingId }),
    t('details.android', { npc: d.networkProviderCode }),
    t('details.once', { date: formatDate(d.expiresAt, lang) }),
  ].join('\n');
}

/** Wording shared by the printable sheet and the email around the steps. */
export function sheetText(lang: Language) {
  const t = translator(lang);
  return {
    title: t('sheet.title'),
    intro: (email: string) => t('sheet.intro', { email }),
    footer: t('sheet.footer'),
  };
}

/** Everything the user reads in Webex, in their language. */
export function userText(lang: Language) {
  const t = translator(lang);
  const activation = (kind: IssueKind, d: ActivationDetails): string =>
    [
      kind === 'lost-stolen' ? t('user.activation.newCode') : t('user.activation.ready'),
      '',
      t('user.activation.scan'),
      activationDetailsMarkdown(d, lang),
      '',
      guidesMarkdown(installGuides(lang)),
      '',
      t('user.activation.afterwards'),
    ].join('\n');
  return {
    activation,
    deleted: [t('user.deleted.lead'), t('user.deleted.remove'), guidesMarkdown(removeLineGuides(lang))].join('\n\n'),
    myLine: (view: DeviceView | undefined) =>
      view?.status === 'unknown'
        ? t('user.myLine.unknown')
        : view
        ? t('user.myLine.status', { status: statusLabel(view.status, lang), since: formatDateTime(view.statusSince, lang) }) +
          (view.status === 'pending'
            ? view.code && !view.code.expired
              ? ` ${t('user.myLine.codeExpires', { date: formatDate(view.code.expiresAt, lang) })}`
              : ` ${t('user.myLine.noCode')}`
            : '')
        : t('user.myLine.none'),
    resendSent: t('user.resendSent'),
    resendNone: t('user.resendNone'),
    resendSuppressed: t('user.resendSuppressed'),
    expiring: (d: ActivationDetails) => `${t('user.expiring', { date: formatDate(d.expiresAt, lang) })}\n\n${activation('assign', d)}`,
    expired: (expiresAt: string) => t('user.expired', { date: formatDate(expiresAt, lang) }),
  };
}
