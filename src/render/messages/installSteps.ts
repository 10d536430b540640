/**
 * How a person installs (and removes) the Webex Go line on a phone: one structured set of steps,
 * rendered to markdown (Webex messages), plain text (email text, PDF sheet) and HTML (email).
 */
import { LANGUAGES, type Language } from '../../domain/types.js';
import { translate, translateParts, type MessageKey } from '../i18n/translate.js';

/** Words of a step; `{ ui }` is what the phone shows on screen, bold where the format allows. */
export type StepPart = string | { ui: string };
export type Step = readonly StepPart[];

export interface Guide {
  phone: string;
  /** What the phone must run, e.g. `iOS 15.4 or later`. */
  requires?: string;
  steps: readonly Step[];
}

export function guideHeading(guide: Guide): string {
  return guide.requires ? `${guide.phone} (${guide.requires})` : guide.phone;
}

/** One step: its message, split into words and what the phone shows. */
const step = (lang: Language, key: MessageKey): Step => translateParts(lang, key);

function buildInstallGuides(lang: Language): readonly Guide[] {
  const followPrompts = step(lang, 'step.followPrompts');
  return [
    {
      phone: 'iPhone',
      requires: translate(lang, 'guide.iphone.requires'),
      steps: [step(lang, 'step.iphone.open'), step(lang, 'step.iphone.add'), step(lang, 'step.iphone.scan'), followPrompts],
    },
    {
      phone: 'Samsung',
      requires: translate(lang, 'guide.samsung.requires'),
      steps: [step(lang, 'step.samsung.open'), step(lang, 'step.samsung.add'), step(lang, 'step.samsung.scan'), followPrompts],
    },
    {
      phone: 'Pixel',
      requires: translate(lang, 'guide.pixel.requires'),
      steps: [step(lang, 'step.pixel.open'), step(lang, 'step.pixel.add'), step(lang, 'step.pixel.scan'), followPrompts],
    },
  ];
}

function buildRemoveLineGuides(lang: Language): readonly Guide[] {
  return [
    { phone: 'iPhone', steps: [step(lang, 'step.iphone.remove')] },
    { phone: translate(lang, 'guide.android'), steps: [step(lang, 'step.android.remove')] },
  ];
}

const INSTALL = Object.fromEntries(LANGUAGES.map((l) => [l, buildInstallGuides(l)])) as Record<Language, readonly Guide[]>;
const REMOVE = Object.fromEntries(LANGUAGES.map((l) => [l, buildRemoveLineGuides(l)])) as Record<Language, readonly Guide[]>;

/** How to install the line, per phone, in `lang`. */
export const installGuides = (lang: Language): readonly Guide[] => INSTALL[lang];
/** How to remove a deactivated line from the phone, in `lang`. */
export const removeLineGuides = (lang: Language): readonly Guide[] => REMOVE[lang];

export function stepText(step: Step): string {
  return step.map((part) => (typeof part === 'string' ? part : part.ui)).join('');
}

function stepMarkdown(step: Step): string {
  return step.map((part) => (typeof part === 'string' ? part : `**${part.ui}**`)).join('');
}

/** `escape` makes text safe in HTML element content. */
export function stepHtml(step: Step, escape: (text: string) => string): string {
  return step.map((part) => (typeof part === 'string' ? escape(part) : `<strong>${escape(part.ui)}</strong>`)).join('');
}

/** A guide per paragraph: its heading in bold, then its numbered steps. */
export function guidesMarkdown(guides: readonly Guide[]): string {
  return guides.map((g) => [`**${g.phone}**${g.requires ? ` (${g.requires})` : ''}`, ...g.steps.map((s, i) => `${i + 1}. ${stepMarkdown(s)}`)].join('\n')).join('\n\n');
}

export function guidesText(guides: readonly Guide[]): string {
  return guides.map((g) => [guideHeading(g), ...g.steps.map((s, i) => `${i + 1}. ${stepText(s)}`)].join('\n')).join('\n\n');
}
