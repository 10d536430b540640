/** What the watch space and the reminders to admins say: outcomes and dates, never a code. */
import type { DeviceChange } from '../../domain/types.js';
import { formatDate } from '../format.js';
import { CAUSE_LABEL, STATUS_LABEL, actionLabel } from './labels.js';

export const WATCH_TEXT = {
  changeLine: (c: DeviceChange) => {
    if (c.actor === 'phone') {
      return `${c.email} went **${c.status ? STATUS_LABEL[c.status] : 'away'}** (${c.cause ? CAUSE_LABEL[c.cause] : actionLabel(c.action)})`;
    }
    return `${c.actor} ${actionLabel(c.action)} for ${c.email}` + (c.status ? ` — now **${STATUS_LABEL[c.status]}**` : '');
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
};
