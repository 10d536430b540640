/** The domain's refusals in words: what was wrong and what to do instead. */
import type { Refusal, RefusalParams, RefusalReason } from '../../domain/refusal.js';
import { STATUS_INDICATOR, type DeviceStatus } from '../../domain/types.js';
import type { EmailProblem } from '../../domain/email.js';
import { formatDate, quoted } from '../format.js';
import { EMAIL_PROBLEM } from './commandText.js';
import { statusLabel } from './labels.js';

const SETTING_RULES: Record<string, string> = {
  licenses: 'The license pool must be a whole number from 0 to 1000000, for example "settings licenses 50".',
  ttl: 'The code lifetime must be a whole number of days from 1 to 365, for example "settings ttl 90".',
  smdp: 'The SM-DP+ address must be a host name like smdp.example.com.',
  notify: 'Notify must be on or off, for example "settings notify off".',
};

const REFUSALS: Record<RefusalReason, (p: RefusalParams) => string> = {
  'invalid-email': (p) =>
    `${quoted(String(p.input))} ${EMAIL_PROBLEM[(p.problem as EmailProblem | undefined) ?? 'format'](String(p.input))} Type it like alice@example.com.`,
  'not-admin': () =>
    'Only Webex Go admins can do that, and nothing was changed. Ask an admin to do it, or to add you with "admins add <your email>".',
  'no-licenses': (p) =>
    `No Webex Go license is free: all ${p.total} are in use. Delete a device that is no longer needed, or raise the pool with "settings licenses <number>".`,
  'already-assigned': (p) =>
    `${p.email} already has a Webex Go device. See it with "status ${p.email}", or use "code ${p.email}" for a new activation code.`,
  'no-device': (p) => `${p.email} has no Webex Go device. Add one with "assign ${p.email}".`,
  'not-pending': (p) =>
    `A new activation code can only be generated while the device is Pending activation, and ${p.email}'s device is ${(String(p.status) in STATUS_INDICATOR ? statusLabel(p.status as DeviceStatus, 'en') : p.status)}. ` +
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
  'unknown-event': (p) => `${quoted(String(p.event), 40)} is not a phone event. Send "disabled", "enabled" or "deleted".`,
  'pool-below-in-use': (p) =>
    `The license pool can't shrink to ${p.requested}: ${p.inUse} licenses are in use. Delete devices first, or choose ${p.inUse} or more.`,
  'invalid-setting': (p) => SETTING_RULES[String(p.setting)] ?? 'That setting value is not valid.',
  'already-admin': (p) => `${p.email} is already an admin.`,
  'not-an-admin': (p) => `${p.email} is not an admin, so there is nothing to remove.`,
  'last-admin': (p) => `${p.email} is the last admin and can't be removed. Add another admin first.`,
  'break-glass-admin': (p) =>
    `${p.email} is an admin through the bot's ADMIN_EMAILS setting, so it can't be removed here: ask whoever runs the bot to change that setting.`,
};

export function refusalMessage(refusal: Refusal): string {
  return REFUSALS[refusal.reason](refusal.params);
}
