/**
 * How a person installs (and removes) the Webex Go line on a phone: one structured set of steps,
 * rendered to markdown (Webex messages), plain text (email text, PDF sheet) and HTML (email).
 */

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

const ui = (label: string) => ({ ui: label });
const FOLLOW_PROMPTS: Step = ['Follow the prompts; the carrier shows as ', ui('Webex'), '.'];

export const INSTALL_GUIDES: readonly Guide[] = [
  {
    phone: 'iPhone',
    requires: 'iOS 15.4 or later',
    steps: [
      ['Open ', ui('Settings'), ' → ', ui('Cellular'), '.'],
      ['Tap ', ui('Add Cellular Plan'), '.'],
      ['Scan the QR code, or tap ', ui('Enter Details Manually'), ' and type the SM-DP+ address and the activation code.'],
      FOLLOW_PROMPTS,
    ],
  },
  {
    phone: 'Samsung',
    requires: 'One UI 5.1 or later',
    steps: [
      ['Open ', ui('Settings'), ' → ', ui('Connections'), ' → ', ui('SIM manager'), '.'],
      ['Tap ', ui('Add mobile plan'), '.'],
      ['Tap ', ui('Scan carrier QR code'), ', or enter the network provider code by hand.'],
      FOLLOW_PROMPTS,
    ],
  },
  {
    phone: 'Pixel',
    requires: 'Android 13 or later',
    steps: [
      ['Open ', ui('Settings'), ' → ', ui('Network & internet'), '.'],
      ['Tap ', ui('+'), ' next to SIMs, then ', ui('Download a SIM instead?')],
      ['Scan the QR code, or tap ', ui('Need help'), ' and enter the network provider code.'],
      FOLLOW_PROMPTS,
    ],
  },
];

export const REMOVE_LINE_GUIDES: readonly Guide[] = [
  { phone: 'iPhone', steps: [[ui('Settings'), ' → ', ui('Cellular'), ' → the Webex line → ', ui('Delete eSIM'), '.']] },
  {
    phone: 'Android (Samsung, Pixel)',
    steps: [[ui('Settings'), ' → ', ui('SIM manager'), ' (or ', ui('Network & internet'), ' → SIMs) → the Webex line → ', ui('Remove'), '.']],
  },
];

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
