/**
 * Nothing half-translated: what a Bulgarian reader gets (the activation message, every card, the
 * emails, the PDF sheet, the calls report) holds the seed's own words and no English sentence from the catalogue.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { renderActivation, renderLineDeleted } from '../../src/render/documents/activationEmail.js';
import { activationSheet, activationSheetText } from '../../src/render/documents/activationSheet.js';
import { CATALOGUES, type MessageKey } from '../../src/render/i18n/translate.js';
import { mailText } from '../../src/render/messages/mailText.js';
import { userText } from '../../src/render/messages/userText.js';
import { installGuides, removeLineGuides, stepText } from '../../src/render/messages/installSteps.js';
import { deviceCard, reminderCard } from '../../src/bot/views.js';
import { callsCard } from '../../src/bot/callsReport.js';
import { crossCheck } from '../../src/calls/index.js';
import { callsText } from '../../src/render/messages/callsText.js';
import { analyse, fixture, ok } from '../calls/helpers.js';
import { qrPng } from '../../src/render/qrPng.js';
import { validateCard } from '../support/cardValidator.js';
import { SAMPLE_DETAILS, cardSamplesIn, sampleDevice } from '../support/cardSamples.js';

/** The words of a message between its placeholders. */
function literals(message: string, tags: boolean): string[] {
  const out: string[] = [];
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if (el.type === TYPE.literal) out.push(el.value);
      if (el.type === TYPE.tag) walk(el.children);
      if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, 'en', undefined, { ignoreTag: !tags }).getAst());
  return out;
}

const BG_TEXT = Object.values(CATALOGUES.bg).join('\n');

/**
 * English phrases of three words or more from the catalogue that Bulgarian does not share (phone
 * screens' own labels, e.g. "Add Cellular Plan", read the same in both).
 */
const ENGLISH_PHRASES = [
  ...new Set(
    (Object.keys(CATALOGUES.en) as MessageKey[]).flatMap((key) =>
      literals(CATALOGUES.en[key], key.startsWith('step.'))
        .map((text) => text.replace(/[*`]/g, '').trim())
        .filter((text) => text.split(/\s+/).filter((w) => /\p{L}{2}/u.test(w)).length >= 3 && !BG_TEXT.includes(text)),
    ),
  ),
];

function englishIn(text: string): string[] {
  const plain = text.replace(/[*`]/g, '');
  return ENGLISH_PHRASES.filter((phrase) => plain.includes(phrase));
}

function cardText(card: unknown): string {
  if (typeof card === 'string') return card;
  if (Array.isArray(card)) return card.map(cardText).join('\n');
  if (card && typeof card === 'object') return Object.entries(card).filter(([k]) => k !== 'data' && k !== 'url').map(([, v]) => cardText(v)).join('\n');
  return '';
}

describe('Bulgarian, whole', () => {
  it('the check knows English when it sees it', () => {
    assert.ok(ENGLISH_PHRASES.length > 100, `${ENGLISH_PHRASES.length} phrases`);
    assert.notDeepEqual(englishIn(userText('en').activation('assign', SAMPLE_DETAILS)), []);
  });

  it('the activation message uses the seed\'s terms and no English sentence', () => {
    for (const kind of ['assign', 'new-code', 'lost-stolen'] as const) {
      const text = userText('bg').activation(kind, SAMPLE_DETAILS);
      for (const term of ['SM-DP+ адрес', 'код за активиране', 'код на мрежов доставчик', '24 февруари 2027 г.']) assert.ok(text.includes(term), `${kind}: ${term}`);
      assert.deepEqual(englishIn(text), [], kind);
    }
    assert.deepEqual(englishIn(userText('bg').deleted), []);
  });

  it('the device card, in each status, reads the seed\'s statuses and actions, and validates for Webex', () => {
    const expected = { pending: 'В очакване на активиране', online: 'Онлайн', offline: 'Офлайн' } as const;
    for (const status of ['pending', 'online', 'offline'] as const) {
      const { card, markdown } = deviceCard(sampleDevice('alice@example.com', status), 'bg');
      const text = cardText(card);
      assert.ok(text.includes(expected[status]), status);
      assert.ok(markdown.includes(expected[status]), status);
      for (const action of ['Изгубени/откраднати', 'Изтриване']) assert.ok(text.includes(action), `${status}: ${action}`);
      // The seed's words; its button has a row of its own, the other two share the next (buttonRows.test.ts).
      assert.equal(text.includes('Генериране на нов код за активиране'), status === 'pending');
      assert.deepEqual(validateCard(card!), [], status);
      assert.deepEqual(englishIn(`${text}\n${markdown}`), [], status);
    }
  });

  it('the install and removal steps name the phone\'s menus in Bulgarian, or quote the English label beside a Bulgarian explanation', () => {
    const guides = [...installGuides('bg'), ...removeLineGuides('bg')];
    for (const guide of guides) assert.ok(guide.steps.some((step) => step.some((part) => typeof part !== 'string' && part.ui === 'Настройки')), guide.phone);
    for (const step of guides.flatMap((g) => g.steps)) {
      step.forEach((part, i) => {
        if (typeof part === 'string' || /\p{Script=Cyrillic}/u.test(part.ui) || ['+', 'Webex'].includes(part.ui)) return;
        const explained = step[i + 1];
        assert.match(part.ui, /^„[^„“]+“$/, `${stepText(step)}: the English label is quoted`);
        assert.ok(typeof explained === 'string' && /^ \(\p{Script=Cyrillic}/u.test(explained), `${stepText(step)}: a Bulgarian explanation follows ${part.ui}`);
      });
    }
  });

  it('the reminder, where the button has its row alone, reads the seed\'s "Генериране на нов код за активиране"', () => {
    const { card } = reminderCard(sampleDevice('alice@example.com', 'pending'), 'напомняне', 'bg');
    assert.ok(cardText(card).includes('Генериране на нов код за активиране'));
  });

  it('every card in Bulgarian holds no English sentence', async () => {
    for (const sample of await cardSamplesIn('bg')) {
      assert.deepEqual(englishIn(`${cardText(sample.message.card)}\n${sample.message.markdown}`), [], sample.label);
    }
  });

  it('the calls report is Bulgarian: card, text, chart, captions, progress, errors and refusals', async () => {
    const words = callsText('bg');
    const result = ok((await analyse(fixture('summary.csv'))).result);
    const messy = ok((await analyse(fixture('messy.csv'))).result);
    const check = crossCheck(result.summary, [
      { email: 'zoe@example.com', status: 'online' },
      { email: 'bob@example.com', status: 'offline' },
      { email: 'nobody@example.com', status: 'pending' },
    ]);
    const csvFile = { filename: 'webex-go-calls.csv.gz', contentType: 'application/gzip', data: Buffer.alloc(0) };
    const card = callsCard(result, { ...check, unresolvedDevices: ['x@example.com'] }, words.fromUpload('cdr.csv', 'alice@example.com'), 'bg', csvFile);
    const messyCard = callsCard({ ...messy, stoppedAt: { row: 40, detail: 'ред' } }, crossCheck(messy.summary, []), words.fromApi(new Date('2026-03-01T00:00:00Z'), new Date('2026-03-07T00:00:00Z'), 'alice@example.com', true), 'bg');
    const chart = words.chart(result.summary);
    const refusals = [
      words.refusalText({ ok: false, reason: 'too-large', maxBytes: 200 * 1024 * 1024, bytesRead: 1 }),
      words.refusalText({ ok: false, reason: 'empty', bytesRead: 0 }),
      words.refusalText({ ok: false, reason: 'not-call-history', format: 'csv', missing: ['Duration'], header: ['x'], bytesRead: 9 }),
      words.refusalText({ ok: false, reason: 'not-call-history', format: 'json', missing: ['Report ID', 'User'], header: ['x'], bytesRead: 9 }),
      words.refusalText({ ok: false, reason: 'not-call-history', format: 'json', missing: [], header: [], bytesRead: 9 }),
    ];
    const all = [
      cardText(card.card), card.markdown, cardText(messyCard.card), messyCard.markdown,
      chart.title, chart.subtitle, chart.empty, words.chartCaption, words.csvCaption(12, true), words.csvCaption(1, false),
      words.readingUpload(3 * 1024 * 1024, 6 * 1024 * 1024), words.readingUpload(1024, undefined), words.pullStarting,
      words.pullWaiting(words.pullProgress(1, 2, 1), 58_000), words.personLookupFailed('a@example.com', 'x'), words.unknownPerson('a@example.com'),
      words.nothingToRead, words.notAPeriod('вчера'), words.badDate, words.emptyRange, words.noAdminToken,
      words.pullFailed(words.apiMissingColumns(['User'])), words.downloadFailed('x'), ...refusals,
    ].join('\n');
    assert.deepEqual(englishIn(all), []);
    assert.notDeepEqual(englishIn(callsCard(result, check, callsText('en').fromUpload('cdr.csv', undefined), 'en').markdown), [], 'the check sees an English report');
    for (const term of ['Обаждания с Webex Go: 4 от 6', 'тип подклиент Mobile_Network', 'Период', '2 март 2026 г.', 'Работя по въпроса', '3,0 МБ от 6,0 МБ (50%)']) {
      assert.ok(all.includes(term), term);
    }
    assert.equal(chart.dayTick('2026-03-02'), '02.03');
    assert.equal(words.csvFact(1, 'f.csv', false).value, '1 запис в f.csv');
    assert.equal(words.csvFact(1500, 'f.csv', true).value, '1500 записа в f.csv (gzip)');
    assert.equal(words.title(12345, 67890), 'Обаждания с Webex Go: 12\u00a0345 от 67\u00a0890');
  });

  it('the emails are Bulgarian, HTML and text alike', () => {
    for (const kind of ['assign', 'new-code', 'lost-stolen'] as const) {
      const mail = renderActivation(SAMPLE_DETAILS, kind, 'qr@webex-go', 'bg');
      assert.equal(mail.subject, mailText('bg').subject[kind]);
      assert.match(mail.html, /<html lang="bg">/);
      for (const term of ['SM-DP+ адрес', 'Код за активиране', 'Код на мрежов доставчик']) assert.ok(mail.text.includes(term), `${kind}: ${term}`);
      assert.deepEqual(englishIn(mail.text), [], kind);
      assert.deepEqual(englishIn(mail.html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&')), [], kind);
    }
    const deleted = renderLineDeleted('bg');
    assert.match(deleted.subject, /изтрита/);
    assert.deepEqual(englishIn(deleted.text), []);
  });

  it('the PDF sheet is Bulgarian, in embedded Unicode fonts', async function () {
    // Without DejaVu the sheet falls back to PDF's Latin-1 fonts (see activationSheet.ts).
    if (!existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')) this.skip();
    const words = activationSheetText(SAMPLE_DETAILS, 'bg');
    const all = [words.title, words.intro, words.footer ?? '', ...words.fields.map((f) => f.label), ...words.sections.flatMap((s) => [s.heading, ...s.steps])].join('\n');
    assert.ok(!all.includes('?'.repeat(3)), 'no character lost to Latin-1');
    for (const term of ['SM-DP+ адрес', 'Код за активиране', 'Код на мрежов доставчик']) assert.ok(all.includes(term), term);
    assert.deepEqual(englishIn(all), []);
    const pdf = await activationSheet(SAMPLE_DETAILS, 'bg', qrPng, new Date('2026-01-01T00:00:00Z'));
    assert.equal(pdf.toString('latin1').match(/\/FontFile2/g)?.length, 3);
  });
});
