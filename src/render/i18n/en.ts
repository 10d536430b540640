/**
 * The English catalogue: ICU MessageFormat strings (`{name}` placeholders, `{n, plural, …}`),
 * one key per sentence a person reads. `bg.ts` must have the same keys and placeholders.
 * `<ui>…</ui>` (install steps only) marks what the phone shows on screen.
 */
export const en = {
  // Statuses, causes and audited actions.
  'status.pending': 'Pending activation',
  'status.online': 'Online',
  'status.offline': 'Offline',
  'cause.assigned': 'device added',
  'cause.new-code': 'new activation code generated',
  'cause.lost-stolen': 'marked lost/stolen',
  'cause.downloaded': 'line installed on the phone',
  'cause.disabled': 'line switched off on the phone',
  'cause.enabled': 'line switched on on the phone',
  'cause.deleted-on-phone': 'line removed from the phone',
  'action.assign': 'assigned a device',
  'action.new-code': 'generated a new activation code',
  'action.lost-stolen': 'marked lost/stolen',
  'action.delete': 'deleted the device',
  'action.settings': 'changed settings',
  'action.admin-add': 'added an admin',
  'action.admin-remove': 'removed an admin',
  'action.download': 'installed the line on the phone',
  'action.phone-disabled': 'switched the line off on the phone',
  'action.phone-enabled': 'switched the line on on the phone',
  'action.phone-deleted': 'removed the line from the phone',
  'action.phone-unknown-event': 'sent an unknown phone event',
  'action.status': 'viewed a device',
  'action.devices': 'listed the devices',
  'action.licenses': 'viewed the licenses',
  'action.admins': 'managed admins',
  'action.audit': 'read the audit trail',
  'action.watch': 'set the watch space',
  'action.calls': 'analysed calls',
  'action.cancel': 'closed a confirmation',
  'action.reminder-expiring': 'reminded the user that the code expires soon',
  'action.notice-expired': 'told the user the code expired',
  'action.language': 'set the language',

  // The activation facts.
  'details.iphone': '- **iPhone**: SM-DP+ address `{smdp}` and activation code `{code}`',
  'details.android': '- **Android**: network provider code `{npc}`',
  'details.once': '- The code works **once** and expires on **{date}**.',
  'field.smdp': 'SM-DP+ address (iPhone)',
  'field.code': 'Activation code (iPhone)',
  'field.npc': 'Network provider code (Android)',
  'field.expires': 'Works once; expires on',

  // The printable sheet, also around the steps in the email.
  'sheet.title': 'Activate your Webex Go business line',
  'sheet.intro':
    "For {email}. Your phone needs to be unlocked, dual-SIM and eSIM-capable. Scan the QR code from your phone's eSIM settings, or type the details below.",
  'sheet.footer':
    'Business calls need VoLTE and 4G/LTE turned on. The code works once; if it fails or expires, ask your Webex admin for a new one.',

  // Install and removal steps.
  'guide.iphone.requires': 'iOS 15.4 or later',
  'guide.samsung.requires': 'One UI 5.1 or later',
  'guide.pixel.requires': 'Android 13 or later',
  'guide.android': 'Android (Samsung, Pixel)',
  'step.followPrompts': 'Follow the prompts; the carrier shows as <ui>Webex</ui>.',
  'step.iphone.open': 'Open <ui>Settings</ui> → <ui>Cellular</ui>.',
  'step.iphone.add': 'Tap <ui>Add Cellular Plan</ui>.',
  'step.iphone.scan': 'Scan the QR code, or tap <ui>Enter Details Manually</ui> and type the SM-DP+ address and the activation code.',
  'step.samsung.open': 'Open <ui>Settings</ui> → <ui>Connections</ui> → <ui>SIM manager</ui>.',
  'step.samsung.add': 'Tap <ui>Add mobile plan</ui>.',
  'step.samsung.scan': 'Tap <ui>Scan carrier QR code</ui>, or enter the network provider code by hand.',
  'step.pixel.open': 'Open <ui>Settings</ui> → <ui>Network & internet</ui>.',
  'step.pixel.add': 'Tap <ui>+</ui> next to SIMs, then <ui>Download a SIM instead?</ui>',
  'step.pixel.scan': 'Scan the QR code, or tap <ui>Need help</ui> and enter the network provider code.',
  'step.iphone.remove': '<ui>Settings</ui> → <ui>Cellular</ui> → the Webex line → <ui>Delete eSIM</ui>.',
  'step.android.remove': '<ui>Settings</ui> → <ui>SIM manager</ui> (or <ui>Network & internet</ui> → SIMs) → the Webex line → <ui>Remove</ui>.',

  // What the user reads in Webex.
  'user.activation.newCode': '**Your Webex Go line has a new activation code.** The line on your old phone has been switched off.',
  'user.activation.ready': '**Your Webex Go business line is ready to install.**',
  'user.activation.scan': "Scan the attached QR code from your phone's eSIM settings, or enter the details by hand:",
  'user.activation.afterwards': 'Afterwards your phone shows the carrier **Webex**. Business calls need VoLTE and 4G/LTE turned on.',
  'user.deleted.lead':
    "**Your Webex Go business line was deleted** by your admin. Business calls no longer work from your phone's dialer.",
  'user.deleted.remove': 'Please remove the deactivated Webex Go line from your phone by hand:',
  'user.myLine.status': 'Your Webex Go line is **{status}** since {since}.',
  'user.myLine.codeExpires': 'Your activation code expires on {date}; type **resend** to get it again in our 1:1.',
  'user.myLine.noCode': 'You have no valid activation code: ask your Webex admin for a new one.',
  'user.myLine.none': 'You have no Webex Go line. Ask your Webex admin if you need one.',
  'user.resendSent': 'I sent your activation details to our 1:1.',
  'user.resendNone': 'You have no activation code that still works. Ask your Webex admin for a new one.',
  'user.resendSuppressed': 'In your organization the admins hand out activation codes. Ask your Webex admin for yours.',
  'user.expiring':
    '**Reminder: your Webex Go activation code expires on {date}.** Install the line before then; here are the details again.',
  'user.expired': 'Your Webex Go activation code expired on {date}. Ask your Webex admin for a new one.',

  // The watch space and the reminders to admins.
  'watch.phoneChange': '{email} went **{status}** ({cause})',
  'watch.away': 'away',
  'watch.adminChange': '{actor} {action} for {email}',
  'watch.adminChangeStatus': '{actor} {action} for {email} — now **{status}**',
  'watch.grouped': '**Webex Go changes** ({count}):',
  'watch.watching': 'This space now gets every Webex Go status change and admin action, grouped by the minute. Type **watch off** to stop.',
  'watch.notWatching': 'This space no longer gets Webex Go status changes.',
  'watch.stateHere': 'This space gets Webex Go status changes. Type **watch off** to stop.',
  'watch.stateElsewhere': 'Another space gets Webex Go status changes. Type **watch here** to move them to this one.',
  'watch.stateNowhere': 'No space gets Webex Go status changes. Type **watch here** to get them in this space.',
  'watch.expiringForAdmins': 'The activation code of {email} expires on {date} and the line is still Pending activation.',
  'watch.expiredForAdmins': 'The activation code of {email} expired on {date}; the line is still Pending activation.',

  // The emails.
  'mail.subject.assign': 'Activate your Webex Go business line',
  'mail.subject.new-code': 'Your new Webex Go activation code',
  'mail.subject.lost-stolen': "Your old phone's Webex Go line is off: activate your new phone",
  'mail.heading.assign': 'Your Webex Go business line is ready to install',
  'mail.heading.new-code': 'Your new Webex Go activation code',
  'mail.heading.lost-stolen': 'The Webex Go line on your old phone was switched off',
  'mail.lead.assign':
    "Your Webex admin added a Webex Go business line for you: your business phone number in your phone's own dialer. Install it on your phone with the details below.",
  'mail.lead.new-code':
    'Your Webex admin generated a new activation code for your Webex Go business line. Any activation code you got before no longer works.',
  'mail.lead.lost-stolen':
    'Your Webex admin marked your old phone as lost or stolen, so the Webex Go line on it has been switched off for good. Install the line on your replacement phone with the new activation code below. Any activation code you got before no longer works.',
  'mail.qrAlt': 'QR code of your Webex Go activation code',
  'mail.sameDevice': "Reading this on the phone you are setting up? A phone can't scan its own screen: enter the details by hand instead.",
  'mail.detailsHeading': 'Or enter the details by hand',
  'mail.stepsHeading': 'How to install the line',
  'mail.privacy': 'Keep this email to yourself: anyone with this code can install your business line. If you did not expect it, tell your Webex admin.',
  'mail.handover.hello': 'Hello,',
  'mail.handover.ready': "Your Webex Go business line is ready. From your phone's eSIM settings, enter:",
  'mail.handover.iphone': '- iPhone: SM-DP+ address {smdp} and activation code {code}',
  'mail.handover.android': '- Android: network provider code {npc}',
  'mail.handover.once': 'The code works once and expires on {date}.',
  'mail.deleted.subject': 'Your Webex Go business line was deleted',
  'mail.deleted.lead':
    "Your Webex admin deleted your Webex Go business line. Business calls can no longer be made or answered from your phone's dialer.",
  'mail.deleted.removeIntro': 'The deactivated Webex Go line stays on your phone until you remove it by hand:',
  'mail.deleted.footer': 'Your other SIMs and your personal number are not affected. If you did not expect this, tell your Webex admin.',

  // Counts, for every audience.
  'count.devices': '{n, plural, one {# device} other {# devices}}',
  'count.minutes': '{n, plural, one {# minute} other {# minutes}}',
} as const;

export type MessageKey = keyof typeof en;
