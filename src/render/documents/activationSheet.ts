import { existsSync } from 'node:fs';
import type { ActivationDetails, Language } from '../../domain/types.js';
import { guideHeading, installGuides, stepText } from '../messages/installSteps.js';
import { activationFields, sheetText } from '../messages/userText.js';
import { activationSheetPdf, type ActivationSheet, type ActivationSheetOptions } from './activationSheetPdf.js';

const DEJAVU = '/usr/share/fonts/truetype/dejavu/';
const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', code: 'DejaVuSansMono-Bold.ttf' };

/** Unicode fonts where the machine has them; PDF's built-in fonts print Latin-1 only. */
function fonts(): ActivationSheetOptions['fonts'] {
  const paths = Object.fromEntries(Object.entries(FONT_FILES).map(([k, f]) => [k, DEJAVU + f])) as typeof FONT_FILES;
  return Object.values(paths).every((p) => existsSync(p)) ? paths : undefined;
}

const UNICODE_FONTS = fonts();
const latin1 = (text: string) => (UNICODE_FONTS ? text : text.replace(/→/g, '>').replace(/[^\x00-\xff]/g, '?'));

/** The sheet's words in `lang`, reduced to Latin-1 where the machine has no Unicode fonts. */
export function activationSheetText(details: ActivationDetails, lang: Language): Omit<ActivationSheet, 'qrPng'> {
  const sheet = sheetText(lang);
  return {
    title: latin1(sheet.title),
    intro: latin1(sheet.intro(details.email)),
    fields: activationFields(details, lang).map((f) => ({ label: latin1(f.label), value: f.value })),
    sections: installGuides(lang).map((g) => ({ heading: latin1(guideHeading(g)), steps: g.steps.map((s) => latin1(stepText(s))) })),
    footer: latin1(sheet.footer),
  };
}

/**
 * The printable activation sheet an admin hands over when notifications are off, in `lang` (the
 * user's); `qrPng` draws its QR code. The same details, language and `creationDate` give the same bytes.
 */
export async function activationSheet(
  details: ActivationDetails,
  lang: Language,
  qrPng: (payload: string) => Promise<Buffer>,
  creationDate = new Date(),
): Promise<Buffer> {
  return activationSheetPdf(
    { ...activationSheetText(details, lang), qrPng: await qrPng(details.qrPayload) },
    { creationDate, ...(UNICODE_FONTS ? { fonts: UNICODE_FONTS } : {}) },
  );
}
