/** The domain's refusals in words, in the reader's language: what was wrong and what to do instead. */
import type { Refusal } from '../../domain/refusal.js';
import type { EmailProblem } from '../../domain/email.js';
import { STATUS_INDICATOR, type DeviceStatus, type Language } from '../../domain/types.js';
import { formatDate, quoted } from '../format.js';
import { translate, type MessageKey } from '../i18n/translate.js';
import { emailProblemText } from './commandText.js';
import { statusLabel } from './labels.js';

const SETTINGS_WITH_RULES = ['licenses', 'ttl', 'smdp', 'notify'];

export function refusalMessage(refusal: Refusal, lang: Language): string {
  const p = refusal.params;
  const t = (key: MessageKey, values?: Record<string, string | number>) => translate(lang, key, values);
  switch (refusal.reason) {
    case 'invalid-email': {
      const input = String(p.input);
      return t('refusal.invalid-email', { input: quoted(input), problem: emailProblemText((p.problem as EmailProblem | undefined) ?? 'format', input, lang) });
    }
    case 'not-pending': {
      const status = String(p.status);
      return t('refusal.not-pending', { email: String(p.email), status: status in STATUS_INDICATOR ? statusLabel(status as DeviceStatus, lang) : status });
    }
    case 'code-expired':
      return t('refusal.code-expired', { date: formatDate(String(p.expiresAt), lang) });
    case 'unknown-event':
      return t('refusal.unknown-event', { event: quoted(String(p.event), 40) });
    case 'invalid-setting': {
      const setting = String(p.setting);
      return t(SETTINGS_WITH_RULES.includes(setting) ? (`refusal.setting.${setting}` as MessageKey) : 'refusal.setting.other');
    }
    default:
      return t(`refusal.${refusal.reason}` as MessageKey, Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])));
  }
}
