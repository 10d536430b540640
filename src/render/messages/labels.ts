/** Names of statuses, causes and audited actions, as every audience reads them, in the reader's language. */
import type { ChangeCause, DeviceStatus, Language } from '../../domain/types.js';
import { CATALOGUES, translate, type MessageKey } from '../i18n/translate.js';

export function statusLabel(status: DeviceStatus, lang: Language): string {
  return translate(lang, `status.${status}`);
}

export function causeLabel(cause: ChangeCause, lang: Language): string {
  return translate(lang, `cause.${cause}`);
}

/** How an audited action reads in a space and in the audit view; records written before the vocabulary was one (e.g. `code`, `lost`) still read as words. */
export function actionLabel(action: string, lang: Language): string {
  const key = `action.${action}`;
  return key in CATALOGUES[lang] ? translate(lang, key as MessageKey) : action;
}
