/**
 * The message catalogue: every sentence a person reads comes from here, so wording is
 * consistent and reviewable in one place. Nothing here ever receives a Matching ID except the
 * functions that build private activation messages.
 */
import type { Refusal, RefusalParams, RefusalReason } from './domain/refusal.js';
import type { AcceptedExport, AnalyseResult, CallSummary, CrossCheck, UserCalls } from './calls/index.js';
import type { ActivationDetails, AuditRecord, DeviceChange, DeviceStatus, DeviceView, LicensePool, OrgSettings } from './domain/types.js';

export const STATUS_LABEL: Record<DeviceStatus, string> = {
  pending: 'Pending activation',
  online: 'Online',
  offline: 'Offline',
};

/** Dates are formatted on the server (Webex has no client date functions). */
export function formatDate(iso: string): string {
  return iso.slice(0, 10);
}

export function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const SETTING_RULES: Record<string, string> = {
  licenses: 'The license pool must be a whole number from 0 to 1000000, for example "settings licenses 50".',
  ttl: 'The code lifetime must be a whole number of days from 1 to 365, for example "settings ttl 90".',
  smdp: 'The SM-DP+ address must be a host name like smdp.example.com.',
  notify: 'Notify must be on or off, for example "settings notify off".',
};

const REFUSALS: Record<RefusalReason, (p: RefusalParams) => string> = {
  'invalid-email': (p) => `"${p.input}" is not an email address. Type it like alice@example.com.`,
  'not-admin': () =>
    'Only Webex Go admins can do that, and nothing was changed. Ask an admin to do it, or to add you with "admins add <your email>".',
  'no-licenses': (p) =>
    `No Webex Go license is free: all ${p.total} are in use. Delete a device that is no longer needed, or raise the pool with "settings licenses <number>".`,
  'already-assigned': (p) =>
    `${p.email} already has a Webex Go device. See it with "status ${p.email}", or use "code ${p.email}" for a new activation code.`,
  'no-device': (p) => `${p.email} has no Webex Go device. Add one with "assign ${p.email}".`,
  'not-pending': (p) =>
    `A new activation code can only be generated while the device is Pending activation, and ${p.email}'s device is ${STATUS_LABEL[p.status as DeviceStatus] ?? p.status}. ` +
    `Ask the user to remove the Webex Go line from the phone first, or use "lost ${p.email}" if the phone is lost or stolen.`,
  'code-malformed': () =>
    'That is not an activation code. An activation code looks like LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815.',
  'code-unknown': () => 'This activation code was never issued. Check it, or ask your Webex admin for a new one.',
  'code-used': () => 'This activation code has already been used: each code works once. Ask your Webex admin for a new one.',
  'code-invalidated': () =>
    'This activation code was replaced by a newer one and no longer works. Use the newest code, or ask your Webex admin for a new one.',
  'code-expired': (p) => `This activation code expired on ${formatDate(String(p.expiresAt))}. Ask your Webex admin for a new one.`,
  'iccid-malformed': () => '"iccid" must be an ICCID: 89 followed by 17 or 18 digits, the last one a valid check digit.',
  'iccid-unknown': () => 'No Webex Go line has this ICCID.',
  'profile-revoked': () =>
    'This Webex Go line was deactivated (lost/stolen, deleted, or removed from the phone); events for it change nothing.',
  'unknown-event': (p) => `"${p.event}" is not a phone event. Send "disabled", "enabled" or "deleted".`,
  'pool-below-in-use': (p) =>
    `The license pool can't shrink to ${p.requested}: ${p.inUse} licenses are in use. Delete devices first, or choose ${p.inUse} or more.`,
  'invalid-setting': (p) => SETTING_RULES[String(p.setting)] ?? 'That setting value is not valid.',
  'already-admin': (p) => `${p.email} is already an admin.`,
  'not-an-admin': (p) => `${p.email} is not an admin, so there is nothing to remove.`,
  'last-admin': (p) => `${p.email} is the last admin and can't be removed. Add another admin first.`,
};

export function refusalMessage(refusal: Refusal): string {
  return REFUSALS[refusal.reason](refusal.params);
}

/** Answers of the eSIM provider endpoints that are not refusals of the domain. */
export const HTTP_MESSAGES = {
  unauthorized: 'This endpoint needs "Authorization: Bearer <ESIM_PROVIDER_TOKEN>".',
  badSignature: 'The X-Spark-Signature header is missing or does not match WEBHOOK_SECRET.',
  notFound: 'There is no such endpoint. The eSIM endpoints are POST /esim/v1/download and POST /esim/v1/events.',
  badJson: 'The body is not valid JSON.',
  tooLarge: 'The body is larger than 64 KB.',
  notJson: 'Send the body as JSON with "Content-Type: application/json".',
  fieldMissing: (field: string, example: string) => `"${field}" is missing or not a string. Send for example ${example}.`,
  internal: 'Something went wrong on our side. Try again in a moment.',
} as const;

/** How each admin action reads in a space and in the audit view. */
export const ACTION_LABEL: Record<string, string> = {
  assign: 'assigned a device',
  'new-code': 'generated a new activation code',
  'lost-stolen': 'marked lost/stolen',
  delete: 'deleted the device',
  settings: 'changed settings',
  'admin-add': 'added an admin',
  'admin-remove': 'removed an admin',
  download: 'installed the line on the phone',
  'phone-disabled': 'switched the line off on the phone',
  'phone-enabled': 'switched the line on on the phone',
  'phone-deleted': 'removed the line from the phone',
  // Command names, as audited when someone without the right runs them.
  code: 'generated a new activation code',
  lost: 'marked lost/stolen',
  status: 'viewed a device',
  devices: 'listed the devices',
  licenses: 'viewed the licenses',
  admins: 'managed admins',
  audit: 'read the audit trail',
  watch: 'set the watch space',
  calls: 'analysed calls',
  'reminder-expiring': 'reminded the user that the code expires soon',
  'notice-expired': 'told the user the code expired',
};

export const CAUSE_LABEL: Record<DeviceView['lastChange']['cause'], string> = {
  assigned: 'device added',
  'new-code': 'new activation code generated',
  'lost-stolen': 'marked lost/stolen',
  downloaded: 'line installed on the phone',
  disabled: 'line switched off on the phone',
  enabled: 'line switched on on the phone',
  'deleted-on-phone': 'line removed from the phone',
};

const PHONE_STEPS = [
  '**iPhone** (iOS 15.4 or later): Settings → Cellular → **Add Cellular Plan** → scan the QR code, or tap **Enter Details Manually** and type the SM-DP+ address and the activation code.',
  '**Samsung** (One UI 5.1 or later): Settings → Connections → **SIM manager** → **Add mobile plan** → **Scan carrier QR code**, or enter the code by hand.',
  '**Pixel** (Android 13 or later): Settings → Network & internet → **+** next to SIMs → **Download a SIM instead?** → scan the QR code, or tap **Need help** and enter the network provider code.',
];

/** Plain-text steps for the printable sheet and the email body. */
export const SHEET_TEXT = {
  title: 'Activate your Webex Go business line',
  intro: (email: string) =>
    `For ${email}. Your phone needs to be unlocked, dual-SIM and eSIM-capable. Scan the QR code from your phone's eSIM settings, or type the details below.`,
  fields: (d: ActivationDetails) => [
    { label: 'SM-DP+ address (iPhone)', value: d.smdpAddress },
    { label: 'Activation code (iPhone)', value: d.matchingId },
    { label: 'Network provider code (Android)', value: d.networkProviderCode },
    { label: 'Works once; expires on', value: formatDate(d.expiresAt) },
  ],
  sections: [
    { heading: 'iPhone (iOS 15.4 or later)', steps: ['Open Settings → Cellular.', 'Tap Add Cellular Plan.', 'Scan the QR code, or tap Enter Details Manually and type the SM-DP+ address and activation code.', 'Follow the prompts; the carrier shows as "Webex".'] },
    { heading: 'Samsung (One UI 5.1 or later)', steps: ['Open Settings → Connections → SIM manager.', 'Tap Add mobile plan.', 'Tap Scan carrier QR code, or enter the network provider code by hand.', 'Follow the prompts; the carrier shows as "Webex".'] },
    { heading: 'Google Pixel (Android 13 or later)', steps: ['Open Settings → Network & internet.', 'Tap + next to SIMs, then Download a SIM instead?', 'Scan the QR code, or tap Need help and enter the network provider code.', 'Follow the prompts; the carrier shows as "Webex".'] },
  ],
  footer: 'Business calls need VoLTE and 4G/LTE turned on. The code works once; if it fails or expires, ask your Webex admin for a new one.',
};

function detailsBlock(d: ActivationDetails): string {
  return [
    `- **iPhone**: SM-DP+ address \`${d.smdpAddress}\` and activation code \`${d.matchingId}\``,
    `- **Android**: network provider code \`${d.networkProviderCode}\``,
    `- The code works **once** and expires on **${formatDate(d.expiresAt)}**.`,
  ].join('\n');
}

export type IssueKind = 'assign' | 'new-code' | 'lost-stolen';

const ISSUE_LABEL: Record<IssueKind, string> = {
  assign: 'Webex Go device added',
  'new-code': 'New activation code issued',
  'lost-stolen': 'Lost/stolen: the old phone\'s line is off and a new activation code is issued',
};

export const BOT_TEXT = {
  notAdmin:
    'Sorry, only Webex Go admins can do that, and nothing was changed. Type **help** to see what you can do, or ask an admin.',
  internalError: 'Something went wrong on my side and I could not finish that. Try again in a moment; if it keeps failing, tell your Webex admin.',
  unknownButton: 'That button belongs to an older version of me. Type **help** to see what I can do now.',
  unknownCommand: (typed: string, example: string) =>
    `I didn't understand "${typed.slice(0, 80)}". Did you mean **${example}**? Type **help** for everything I can do.`,
  usage: (problem: string, usage: string, example: string) => `${problem} Type it as **${usage}**, for example **${example}**.`,
  missingEmail: 'The user\'s email address is missing.',
  notEmail: (input: string) => `"${input.slice(0, 80)}" is not an email address.`,
  extraWords: (input: string) => `I don't know what to do with "${input.slice(0, 80)}".`,
  notAdminVerb: (verb: string) => `"${verb.slice(0, 40)}" is not something I can do with admins.`,
  notAStatus: (input: string) => `"${input.slice(0, 60)}" is not a status.`,
  takesNothing: (command: string) => `"${command}" takes nothing after it.`,
  notWatchArg: (input: string) => `"${input.slice(0, 40)}" is not here or off.`,
  settingNeedsValue: (name: string) => `"${name.slice(0, 40)}" needs a value.`,
  notifyOnOff: (value: string) => `Notify is on or off, not "${value.slice(0, 40)}".`,
  licensesNumber: (value: string) => `The license pool is a whole number, not "${value.slice(0, 40)}".`,
  ttlNumber: (value: string) => `The code lifetime is a whole number of days, not "${value.slice(0, 40)}".`,
  notASetting: (name: string) => `"${name.slice(0, 40)}" is not a setting.`,
  settingsTitle: 'Webex Go settings.',
  codeNone: 'none that works: generate a new one',
  codeExpires: (date: string) => `expires on ${date}`,
  codeExpired: (date: string) => `Code expired on ${date}: generate a new one`,
  helpIntro: (admin: boolean) =>
    admin
      ? 'I run **Webex Go** for your organization. In a group space, @mention me first. You can type:'
      : 'I help you with your **Webex Go** business line. You can type:',
  helpLine: (usage: string, summary: string, example: string) => `- **${usage}** — ${summary} (e.g. \`${example}\`)`,

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
  confirmLost: (email: string) =>
    `Mark the phone of ${email} as lost/stolen? The line on that phone is switched off for good and a new activation code is issued for the replacement phone.`,
  noDevice: (email: string) => `${email} has no Webex Go device. Add one with **assign ${email}**.`,
  // Webex's own error sentences end with a period; this sentence adds its own.
  dmFailed: (email: string, reason: string) =>
    `I could not reach ${email}: ${reason.trim().replace(/\.+$/, '')}. The change itself is done; hand the details over another way.`,

  // Private 1:1 messages.
  activationForUser: (kind: IssueKind, d: ActivationDetails) =>
    [
      kind === 'lost-stolen'
        ? '**Your Webex Go line has a new activation code.** The line on your old phone has been switched off.'
        : '**Your Webex Go business line is ready to install.**',
      '',
      'Scan the attached QR code from your phone\'s eSIM settings, or enter the details by hand:',
      detailsBlock(d),
      '',
      ...PHONE_STEPS,
      '',
      'Afterwards your phone shows the carrier **Webex**. Business calls need VoLTE and 4G/LTE turned on.',
    ].join('\n'),
  /** `unreachable`: notifications are on but the 1:1 to the user failed. */
  via: (channels: ('webex' | 'email')[]) =>
    channels.map((c) => (c === 'webex' ? 'in a 1:1 with me' : 'by email')).join(' and ') || 'in a 1:1 with me',
  mailFailed: (email: string, reason: string) =>
    `I could not email ${email}: ${reason}. The change itself is done; nothing will be retried, so hand the details over another way if needed.`,
  activationForAdmin: (kind: IssueKind, d: ActivationDetails, notified: boolean, unreachable = false, via = 'in a 1:1 with me') =>
    [
      `**${ISSUE_LABEL[kind]} for ${d.email}.** ${
        notified
          ? `${d.email} got these details ${via}.`
          : unreachable
            ? `I could not reach ${d.email}, so they do not have these details yet: hand them over another way.`
            : 'Notifications are off: the user got nothing from me. Copy, email or print these details for them.'
      }`,
      '',
      detailsBlock(d),
    ].join('\n'),
  handoverCard: (email: string) => `Hand the activation details to ${email}: email them, or print the attached sheet.`,
  sheetAttached: (email: string) => `Printable activation sheet for ${email}.`,
  mailSubject: 'Activate your Webex Go business line',
  mailBody: (d: ActivationDetails) =>
    [
      'Hello,',
      '',
      'Your Webex Go business line is ready. From your phone\'s eSIM settings, enter:',
      `- iPhone: SM-DP+ address ${d.smdpAddress} and activation code ${d.matchingId}`,
      `- Android: network provider code ${d.networkProviderCode}`,
      `The code works once and expires on ${formatDate(d.expiresAt)}.`,
      '',
      ...SHEET_TEXT.sections.map((s) => `${s.heading}: ${s.steps.join(' ')}`),
      '',
      SHEET_TEXT.footer,
    ].join('\n'),
  deletedForUser:
    '**Your Webex Go business line was deleted** by your admin. Business calls no longer work from your phone\'s dialer. ' +
    'Please remove the deactivated Webex Go line from your phone by hand: iPhone: Settings → Cellular → the Webex line → Delete eSIM; ' +
    'Android: Settings → SIM manager (or Network & internet → SIMs) → the Webex line → Remove.',

  // Self-service.
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

  // Admin views in words.
  settingsChanged: (s: OrgSettings) =>
    `Settings saved: notify users **${s.notifyUsers ? 'on' : 'off'}**, **${s.licenses}** licenses, codes last **${s.codeTtlDays}** days, SM-DP+ \`${s.smdpAddress}\`.`,
  admins: (emails: string[]) => `**Webex Go admins** (${emails.length}):\n${emails.map((e) => `- ${e}`).join('\n')}`,
  adminAdded: (email: string) => `${email} is now a Webex Go admin.`,
  adminRemoved: (email: string) => `${email} is no longer a Webex Go admin.`,
  auditEmpty: 'No audit records yet.',
  auditTitle: (email: string | undefined, count: number) => `**Audit trail${email ? ` for ${email}` : ''}** (newest first, ${count}):`,
  auditLine: (r: AuditRecord) =>
    `- ${formatDateTime(r.at)} · ${r.actor} ${ACTION_LABEL[r.action] ?? r.action}${r.email ? ` · ${r.email}` : ''}` +
    (r.outcome === 'refused' ? ` · **refused** (${r.reason})` : ''),
  poolLine: (p: LicensePool) => `${p.inUse} of ${p.total} Webex Go licenses in use, ${p.available} available.`,
};

/** What the watch space and reminders say: outcomes and dates, never a code. */
export const WATCH_TEXT = {
  changeLine: (c: DeviceChange) => {
    if (c.actor === 'phone') {
      return `${c.email} went **${c.status ? STATUS_LABEL[c.status] : 'away'}** (${c.cause ? CAUSE_LABEL[c.cause] : c.action})`;
    }
    const what = ACTION_LABEL[c.action] ?? c.action;
    return `${c.actor} ${what} for ${c.email}` + (c.status ? ` — now **${STATUS_LABEL[c.status]}**` : '');
  },
  grouped: (lines: string[]) => [`**Webex Go changes** (${lines.length}):`, ...lines.map((l) => `- ${l}`)].join('\n'),
  watching: 'This space now gets every Webex Go status change and admin action, grouped by the minute. Type **watch off** to stop.',
  notWatching: 'This space no longer gets Webex Go status changes.',
  watchState: (here: boolean, anywhere: boolean) =>
    here
      ? 'This space gets Webex Go status changes. Type **watch off** to stop.'
      : anywhere
        ? 'Another space gets Webex Go status changes. Type **watch here** to move them to this one.'
        : 'No space gets Webex Go status changes. Type **watch here** to get them in this space.',
  expiringForAdmins: (email: string, expiresAt: string) =>
    `The activation code of ${email} expires on ${formatDate(expiresAt)} and the line is still Pending activation.`,
  expiredForAdmins: (email: string, expiresAt: string) =>
    `The activation code of ${email} expired on ${formatDate(expiresAt)}; the line is still Pending activation.`,
  expiringForUser: (d: ActivationDetails) =>
    `**Reminder: your Webex Go activation code expires on ${formatDate(d.expiresAt)}.** Install the line before then; here are the details again.\n\n` +
    BOT_TEXT.activationForUser('assign', d),
  expiredForUser: (expiresAt: string) =>
    `Your Webex Go activation code expired on ${formatDate(expiresAt)}. Ask your Webex admin for a new one.`,
};

/** Wording of the emails and of mail errors. Error sentences start lower-case with no final period: they sit inside dmFailed-style sentences. */
export const MAIL_TEXT = {
  subject: {
    assign: BOT_TEXT.mailSubject,
    'new-code': 'Your new Webex Go activation code',
    'lost-stolen': 'Your old phone\'s Webex Go line is off: activate your new phone',
  } satisfies Record<IssueKind, string>,
  heading: {
    assign: 'Your Webex Go business line is ready to install',
    'new-code': 'Your new Webex Go activation code',
    'lost-stolen': 'The Webex Go line on your old phone was switched off',
  } satisfies Record<IssueKind, string>,
  lead: {
    assign:
      'Your Webex admin added a Webex Go business line for you: your business phone number in your phone\'s own dialer. Install it on your phone with the details below.',
    'new-code':
      'Your Webex admin generated a new activation code for your Webex Go business line. Any activation code you got before no longer works.',
    'lost-stolen':
      'Your Webex admin marked your old phone as lost or stolen, so the Webex Go line on it has been switched off for good. Install the line on your replacement phone with the new activation code below. Any activation code you got before no longer works.',
  } satisfies Record<IssueKind, string>,
  qrAlt: 'QR code of your Webex Go activation code',
  sameDevice: 'Reading this on the phone you are setting up? A phone can\'t scan its own screen: enter the details by hand instead.',
  detailsHeading: 'Or enter the details by hand',
  stepsHeading: 'How to install the line',
  privacy: 'Keep this email to yourself: anyone with this code can install your business line. If you did not expect it, tell your Webex admin.',

  deleted: {
    subject: 'Your Webex Go business line was deleted',
    heading: 'Your Webex Go business line was deleted',
    lead: 'Your Webex admin deleted your Webex Go business line. Business calls can no longer be made or answered from your phone\'s dialer.',
    removeIntro: 'The deactivated Webex Go line stays on your phone until you remove it by hand:',
    removeSteps: [
      'iPhone: Settings → Cellular → the Webex line → Delete eSIM.',
      'Android (Samsung, Pixel): Settings → SIM manager (or Network & internet → SIMs) → the Webex line → Remove.',
    ],
    footer: 'Your other SIMs and your personal number are not affected. If you did not expect this, tell your Webex admin.',
  },

  errors: {
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
  },
} as const;

/** The `calls` command: Webex Go calls from the Detailed Call History. */
export const CALLS_TEXT = {
  title: (webexGo: number, all: number) => `Webex Go calls: ${webexGo.toLocaleString('en-US')} of ${all.toLocaleString('en-US')}`,
  fromUpload: (filename: string | undefined) => `From the attached export${filename ? ` (${filename})` : ''}`,
  fromApi: (start: Date, end: Date, email: string | undefined, trimmed: boolean) =>
    `From the Detailed Call History API, ${formatDateTime(start.toISOString())} to ${formatDateTime(end.toISOString())}` +
    (email ? `, calls of ${email}` : '') +
    (trimmed ? ' (trimmed to what the API keeps: from 30 days to 5 minutes ago)' : ''),
  chartCaption: 'Webex Go calls per day.',
  csvCaption: (records: number) => `The ${records.toLocaleString('en-US')} Webex Go records, columns as in the input.`,
  progress: (window: number, windows: number) => `Reading the call history: window ${window} of ${windows}…`,
  nothingToRead: 'Attach the Detailed Call History CSV export from Control Hub to a message saying "calls", or give a period.',
  notAPeriod: (text: string) => `"${text.slice(0, 60)}" is not a period I know.`,
  badDate: 'That date does not exist.',
  emptyRange: 'That period is empty.',
  noAdminToken:
    'To pull calls from the Detailed Call History API I need WEBEX_ADMIN_TOKEN: an admin\'s or service app\'s token with the scope ' +
    'spark-admin:calling_cdr_read, whose user has the "Webex Calling Detailed Call History API access" role. Set it in .env and restart me. ' +
    'Meanwhile, attach the Detailed Call History CSV export from Control Hub to a message saying "calls".',
  apiMissingColumns: (missing: string[]) => `the call records from the API lack ${missing.join(', ')}`,
  downloadFailed: (reason: string) => `I could not download the attached file: ${reason}. Attach it again in a moment.`,
  pullFailed: (reason: string) => `I could not read the call history: ${reason}`,
};

// ---- The `calls` reply: the card's facts, the fallback text, and the answers to a refused file. ----

export interface Fact {
  title: string;
  value: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const count = (n: number) => n.toLocaleString('en-US');

/** "2026-03-02 to 2026-03-08" (UTC days), or "no records". */
export function periodText(summary: Pick<CallSummary, 'periodStart' | 'periodEnd'>): string {
  if (summary.periodStart === null || summary.periodEnd === null) return 'no records';
  const from = summary.periodStart.slice(0, 10);
  const to = summary.periodEnd.slice(0, 10);
  return from === to ? `${from} (UTC)` : `${from} to ${to} (UTC)`;
}

function userText(user: UserCalls): string {
  return user.email !== undefined && user.email !== user.user ? `${user.user} (${user.email})` : user.user;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`;
}

/** Title/value pairs for the summary card's FactSet. */
export function summaryFacts(summary: CallSummary): Fact[] {
  const facts: Fact[] = [
    { title: 'Period', value: periodText(summary) },
    { title: 'Records read', value: count(summary.recordsRead) },
    { title: 'Webex Go records', value: count(summary.webexGoRecords) },
    {
      title: 'Webex Go calls',
      value: `${count(summary.webexGoCalls)} of ${count(summary.allCalls)} calls (${percent(summary.webexGoCalls, summary.allCalls)})`,
    },
    {
      title: 'Answered',
      value: `${count(summary.answered)} answered, ${count(summary.notAnswered)} not answered`,
    },
    { title: 'Minutes', value: summary.totalMinutes.toLocaleString('en-US') },
    {
      title: 'Direction',
      value:
        `${count(summary.outbound)} outgoing, ${count(summary.inbound)} incoming` +
        (summary.unknownDirection ? `, ${count(summary.unknownDirection)} unknown` : ''),
    },
  ];
  if (summary.duplicates) facts.push({ title: 'Duplicates skipped', value: count(summary.duplicates) });
  if (summary.brokenRows) facts.push({ title: 'Broken rows skipped', value: count(summary.brokenRows) });
  return facts;
}

/** Broken rows and an early stop, for the admin to fix the file (nothing when all is well). */
export function problemsText(result: Pick<AcceptedExport, 'summary' | 'brokenSamples' | 'stoppedAt'>): string[] {
  const { summary, brokenSamples: samples, stoppedAt } = result;
  const lines: string[] = [];
  if (stoppedAt) lines.push(`Reading stopped at row ${stoppedAt.row}: ${stoppedAt.detail}. The figures cover the rows before it.`);
  if (summary.brokenRows === 0) return lines;
  lines.push(`${plural(summary.brokenRows, 'broken row')} skipped (rows as a spreadsheet numbers them):`);
  for (const s of samples) lines.push(`- row ${s.row}: ${s.detail}`);
  if (summary.brokenRows > samples.length) lines.push(`- and ${count(summary.brokenRows - samples.length)} more`);
  return lines;
}

/**
 * The plain-text version of the reply. Always holds `Webex Go calls: <N> of <M>` (distinct Webex
 * Go calls of distinct calls). Stays far below Webex's 7439-byte message limit: lists are capped.
 */
export function fallbackText(result: Pick<AcceptedExport, 'summary' | 'brokenSamples' | 'stoppedAt'>, check?: CrossCheck): string {
  const { summary } = result;
  const lines: string[] = [
    `Detailed Call History, ${periodText(summary)}`,
    `Webex Go calls: ${summary.webexGoCalls} of ${summary.allCalls}`,
    `Records read: ${count(summary.recordsRead)}; Webex Go records: ${count(summary.webexGoRecords)}` +
      (summary.duplicates ? `; duplicates skipped: ${count(summary.duplicates)}` : ''),
    `Answered: ${count(summary.answered)}; not answered: ${count(summary.notAnswered)}; minutes: ${summary.totalMinutes}`,
    `Outgoing: ${count(summary.outbound)}; incoming: ${count(summary.inbound)}` +
      (summary.unknownDirection ? `; unknown direction: ${count(summary.unknownDirection)}` : ''),
  ];
  if (summary.topUsers.length) {
    lines.push('Top users by Webex Go calls:');
    for (const u of summary.topUsers) lines.push(`- ${userText(u)}: ${u.calls}`);
  }
  const busyDays = summary.byDay.filter((d) => d.calls > 0);
  if (busyDays.length) {
    lines.push('Webex Go calls by day:');
    const shown = busyDays.slice(0, 31);
    lines.push(shown.map((d) => `${d.day}: ${d.calls}`).join(', ') + (busyDays.length > shown.length ? ', …' : ''));
  }
  if (check) lines.push(...crossCheckText(check));
  lines.push(...problemsText(result));
  return lines.join('\n');
}

function listed(users: readonly { user: string; email?: string; calls: number }[], max = 10): string {
  const shown = users.slice(0, max).map((u) => `${userText(u)} (${u.calls})`);
  return shown.join(', ') + (users.length > max ? `, and ${users.length - max} more` : '');
}

/** The cross-check in a few lines (nothing when there is nothing to say). */
export function crossCheckText(check: CrossCheck): string[] {
  const lines: string[] = [];
  if (check.callsByUsersWithoutDevice.length) {
    lines.push(`Webex Go calls by users with no Webex Go device here: ${listed(check.callsByUsersWithoutDevice)}`);
  }
  if (check.callsByUsersWithDeviceNotOnline.length) {
    lines.push(`Webex Go calls by users whose device here is not Online: ${listed(check.callsByUsersWithDeviceNotOnline)}`);
  }
  if (check.onlineDevicesWithoutCalls.length) {
    const emails = check.onlineDevicesWithoutCalls;
    lines.push(
      `Online devices with no Webex Go call in the period: ${emails.slice(0, 10).join(', ')}` +
        (emails.length > 10 ? `, and ${emails.length - 10} more` : ''),
    );
  }
  if (!check.complete) {
    lines.push(
      `${plural(check.unmatchedUsers.length, 'user')} appear without an email (${listed(check.unmatchedUsers, 5)}), ` +
        'so they could not be matched with devices.',
    );
  }
  return lines;
}

/** The answer to a file the bot refuses; undefined for a result it accepted. */
export function refusalText(result: AnalyseResult): string | undefined {
  if (result.ok) return undefined;
  switch (result.reason) {
    case 'too-large':
      return (
        `That file is over ${Math.round(result.maxBytes / 1024 / 1024)} MB, more than I read. ` +
        'Export a shorter period from Control Hub (Analytics › Calling › Detailed Call History) and attach it again.'
      );
    case 'empty':
      return 'That file is empty. Attach the Detailed Call History CSV exported from Control Hub.';
    case 'not-call-history':
      return (
        `That file doesn't look like a Detailed Call History export: it lacks the column${result.missing.length === 1 ? '' : 's'} ` +
        `${result.missing.join(', ')}. Export the Detailed Call History report from Control Hub as CSV and attach it.`
      );
  }
}
