/** What the watch space and the reminders to admins say, in the space's language: outcomes and dates, never a code. */
import { ORG_ACTOR, PHONE_ACTOR, type DeviceChange, type Language } from '../../domain/types.js';
import { formatDate } from '../format.js';
import { translator } from '../i18n/translate.js';
import { actionLabel, causeLabel, statusLabel } from './labels.js';

export function watchText(lang: Language) {
  const t = translator(lang);
  return {
    changeLine: (c: DeviceChange) => {
      if (c.actor === ORG_ACTOR && c.action === 'org-removed') return t('watch.orgRemoved', { email: c.email });
      // The org's data reports a status as a phone does: who changed it, Webex does not say.
      if (c.actor === PHONE_ACTOR || c.actor === ORG_ACTOR) {
        return t('watch.phoneChange', {
          email: c.email,
          status: c.status ? statusLabel(c.status, lang) : t('watch.away'),
          cause: c.cause ? causeLabel(c.cause, lang) : actionLabel(c.action, lang),
        });
      }
      const line = { actor: c.actor, action: actionLabel(c.action, lang), email: c.email };
      return c.status ? t('watch.adminChangeStatus', { ...line, status: statusLabel(c.status, lang) }) : t('watch.adminChange', line);
    },
    grouped: (lines: string[]) => [t('watch.grouped', { count: lines.length }), ...lines.map((l) => `- ${l}`)].join('\n'),
    watching: t('watch.watching'),
    notWatching: t('watch.notWatching'),
    watchState: (here: boolean, anywhere: boolean) =>
      here ? t('watch.stateHere') : anywhere ? t('watch.stateElsewhere') : t('watch.stateNowhere'),
    expiringForAdmins: (email: string, expiresAt: string) => t('watch.expiringForAdmins', { email, date: formatDate(expiresAt, lang) }),
    expiredForAdmins: (email: string, expiresAt: string) => t('watch.expiredForAdmins', { email, date: formatDate(expiresAt, lang) }),
  };
}
