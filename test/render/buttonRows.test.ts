/**
 * Button titles that fit: Webex lays a card's actions out in one row, sharing the card's width, so
 * a longer (Bulgarian) title must not push a row past it. Every card in both languages, from the
 * same view functions the bot uses (test/support/cardSamples.ts).
 *
 * The limit, measured on the local page's renderer (adaptivecards, Webex's 14 px button font) in
 * chromium, with a desktop Webex card 520 px wide:
 * - a row holds at most 3 actions (Webex takes 5 per card; a fourth would not fit a title beside
 *   the others);
 * - a row fits in the card's 488 px inside its padding: each button is about 8 px per character
 *   of its title (7.1 px measured for Latin, 7.8 px for Cyrillic) plus 34 px of padding and
 *   border, with 8 px between buttons. "Generate new activation code | Lost/stolen | Delete" is
 *   about 478 px; the seed's "Генериране на нов код за активиране | Изгубени/откраднати |
 *   Изтриване" about 622 px, which wrapped its titles onto two lines and filled the row edge to edge:
 *   so the device card gives the generate button a row of its own (an ActionSet in its body).
 * A phone shows a narrower card (about 300 px): there, three buttons do not fit in either language.
 */
import assert from 'node:assert/strict';
import { LANGUAGES } from '../../src/domain/types.js';
import { cardSamples } from '../support/cardSamples.js';

const MAX_ACTIONS_PER_ROW = 3;
const ROW_WIDTH_PX = 488;
const PX_PER_CHARACTER = 8;
const BUTTON_PADDING_PX = 34;
const BUTTON_GAP_PX = 8;

type Action = { type: string; title?: string; card?: Card };
type Card = { actions?: Action[]; body?: unknown[] };

/** Every row of buttons in a card: its own actions, an ActionSet's, and those of the cards its ShowCards open. */
function actionRows(card: Card): Action[][] {
  const rows: Action[][] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const element = node as { type?: string; actions?: Action[] };
    if (Array.isArray(element.actions) && (element.type === 'AdaptiveCard' || element.type === 'ActionSet')) {
      rows.push(element.actions);
    }
    Object.values(node).forEach(visit);
  };
  visit(card);
  return rows;
}

/** How wide a row of buttons is drawn, by the measured figures above. */
function rowWidth(titles: readonly string[]): number {
  const buttons = titles.reduce((sum, title) => sum + [...title].length * PX_PER_CHARACTER + BUTTON_PADDING_PX, 0);
  return buttons + BUTTON_GAP_PX * Math.max(0, titles.length - 1);
}

describe('button rows fit a Webex card, in every language', () => {
  it('the measure tells the English device row, which fits, from the seed\'s Bulgarian one, which did not', () => {
    assert.ok(rowWidth(['Generate new activation code', 'Lost/stolen', 'Delete']) <= ROW_WIDTH_PX);
    assert.ok(rowWidth(['Генериране на нов код за активиране', 'Изгубени/откраднати', 'Изтриване']) > ROW_WIDTH_PX);
  });

  it(`every row has at most ${MAX_ACTIONS_PER_ROW} buttons and fits ${ROW_WIDTH_PX} px`, async () => {
    const samples = await cardSamples();
    assert.deepEqual([...new Set(samples.map((s) => s.lang))].sort(), [...LANGUAGES].sort());
    let rows = 0;
    for (const sample of samples) {
      if (!sample.message.card) continue;
      for (const row of actionRows(sample.message.card as Card)) {
        const titles = row.map((action) => action.title ?? '');
        rows += 1;
        assert.ok(row.length <= MAX_ACTIONS_PER_ROW, `${sample.label}: ${row.length} buttons in a row: ${titles.join(' | ')}`);
        assert.ok(rowWidth(titles) <= ROW_WIDTH_PX, `${sample.label}: ${titles.join(' | ')} is about ${rowWidth(titles)} px`);
      }
    }
    assert.ok(rows > 20, `${rows} rows checked`);
  });
});
