/** What end users read: their activation details, their line, the deletion notice. Codes appear only here, in private. */
import type { ActivationDetails, DeviceView, IssueKind } from '../../domain/types.js';
import { formatDate, formatDateTime } from '../format.js';
import { INSTALL_GUIDES, REMOVE_LINE_GUIDES, guidesMarkdown } from './installSteps.js';
import { STATUS_LABEL } from './labels.js';

/** The activation facts, as label/value pairs for the sheet and the email. */
export function activationFields(d: ActivationDetails): { label: string; value: string }[] {
  return [
    { label: 'SM-DP+ address (iPhone)', value: d.smdpAddress },
    { label: 'Activation code (iPhone)', value: d.matchingId },
    { label: 'Network provider code (Android)', value: d.networkProviderCode },
    { label: 'Works once; expires on', value: formatDate(d.expiresAt) },
  ];
}

/** The activation facts in markdown, for the user's and the issuing admin's 1:1. */
export function activationDetailsMarkdown(d: ActivationDetails): string {
  return [
    `- **iPhone**: SM-DP+ address \`${d.smdpAddress}\` and activation code \`${d.matchingId}\``,
    `- **Android**: network provider code \`${d.networkProviderCode}\``,
    `- The code works **once** and expires on **${formatDate(d.expiresAt)}**.`,
  ].join('\n');
}

/** Wording shared by the printable sheet and the email around the steps. */
export const SHEET_TEXT = {
  title: 'Activate your Webex Go business line',
  intro: (email: string) =>
    `For ${email}. Your phone needs to be unlocked, dual-SIM and eSIM-capable. Scan the QR code from your phone's eSIM settings, or type the details below.`,
  footer: 'Business calls need VoLTE and 4G/LTE turned on. The code works once; if it fails or expires, ask your Webex admin for a new one.',
};

function activation(kind: IssueKind, d: ActivationDetails): string {
  return [
      kind === 'lost-stolen'
        ? '**Your Webex Go line has a new activation code.** The line on your old phone has been switched off.'
        : '**Your Webex Go business line is ready to install.**',
      '',
      'Scan the attached QR code from your phone\'s eSIM settings, or enter the details by hand:',
      activationDetailsMarkdown(d),
      '',
      guidesMarkdown(INSTALL_GUIDES),
      '',
    'Afterwards your phone shows the carrier **Webex**. Business calls need VoLTE and 4G/LTE turned on.',
  ].join('\n');
}

export const USER_TEXT = {
  activation,
  deleted: [
    '**Your Webex Go business line was deleted** by your admin. Business calls no longer work from your phone\'s dialer.',
    'Please remove the deactivated Webex Go line from your phone by hand:',
    guidesMarkdown(REMOVE_LINE_GUIDES),
  ].join('\n\n'),
  myLine: (view: DeviceView | undefined) =>
    view
      ? `Your Webex Go line is **${STATUS_LABEL[view.status]}** since ${formatDateTime(view.statusSince)}.` +
        (view.status === 'pending'
          ? view.code && !view.code.expired
            ? ` Your activation code expires on ${formatDate(view.code.expiresAt)}; type **resend** to get it again in our 1:1.`
            : ' You have no valid activation code: ask your Webex admin for a new one.'
          : '')
      : 'You have no Webex Go line. Ask your Webex admin if you need one.',
  resendSent: 'I sent your activation details to our 1:1.',
  resendNone: 'You have no activation code that still works. Ask your Webex admin for a new one.',
  resendSuppressed: 'In your organization the admins hand out activation codes. Ask your Webex admin for yours.',
  expiring: (d: ActivationDetails) =>
    `**Reminder: your Webex Go activation code expires on ${formatDate(d.expiresAt)}.** Install the line before then; here are the details again.\n\n` +
    activation('assign', d),
  expired: (expiresAt: string) => `Your Webex Go activation code expired on ${formatDate(expiresAt)}. Ask your Webex admin for a new one.`,
};
