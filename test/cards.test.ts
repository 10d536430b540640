import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { commandTable } from '../src/bot/commands/index.js';
import { escapeMarkdown } from '../src/render/cards/escape.js';
import { CARDS_DIR, cardTemplateNames, renderCard } from '../src/render/cards/renderCard.js';
import { escapeHtml } from '../src/render/documents/activationEmail.js';
import { validateCard } from './support/cardValidator.js';
import { cardSamples, sampleDevice, type CardSample } from './support/cardSamples.js';
import { deviceCard } from '../src/bot/views.js';

function textBlocks(card: unknown): string[] {
  if (Array.isArray(card)) return card.flatMap(textBlocks);
  if (typeof card !== 'object' || card === null) return [];
  const own = 'type' in card && card.type === 'TextBlock' && 'text' in card ? [String(card.text)] : [];
  return [...own, ...Object.values(card).flatMap(textBlocks)];
}

/** Every `"command"` a button of a template names, at any depth. */
function buttonCommands(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(buttonCommands);
  if (typeof node !== 'object' || node === null) return [];
  const own = 'command' in node && typeof node.command === 'string' ? [node.command] : [];
  return [...own, ...Object.values(node).flatMap(buttonCommands)];
}

// A CommonMark renderer with HTML off, as card text is read where markdown is read at all.
const commonMark = new MarkdownIt({ html: false, linkify: false });
const rendered = (text: string) => commonMark.render(text).trim();

describe('cards the bot sends', () => {
  let samples: CardSample[] = [];
  before(async () => {
    samples = await cardSamples();
  });

  it('every template in cards/ is sent by some view function, and each sample validates for Webex (Adaptive Cards 1.3)', () => {
    assert.deepEqual([...new Set(samples.map((s) => s.template))].sort(), cardTemplateNames());
    for (const { template, label, message } of samples) {
      assert.ok(message.card, `${template}: ${label} has a card`);
      assert.ok(message.markdown.trim(), `${template}: ${label} has text beside the card`);
      assert.deepEqual(validateCard(message.card), [], `${template}: ${label}`);
    }
  });

  it('every command a button names is in the command table', () => {
    const names = new Set(commandTable().map((c) => c.name));
    for (const template of cardTemplateNames()) {
      const json: unknown = JSON.parse(readFileSync(join(CARDS_DIR, `${template}.json`), 'utf8'));
      for (const command of buttonCommands(json).filter((c) => !c.startsWith('${'))) {
        assert.ok(names.has(command as never), `cards/${template}.json names "${command}"`);
      }
    }
    for (const { template, label, message } of samples) {
      for (const command of buttonCommands(message.card)) assert.ok(names.has(command as never), `${template}: ${label} names "${command}"`);
    }
  });
});

describe('renderCard', () => {
  it('shows markdown typed by a user literally', () => {
    const email = '*Bob* [x](https://evil)';
    const { card } = deviceCard(sampleDevice(email, 'online'), 'en');
    const [shown] = textBlocks(card).filter((t) => t.includes('Bob'));
    assert.equal(rendered(shown), `<p>${escapeHtml(email)}</p>`);
    assert.deepEqual(validateCard(card!), []);
  });

  /** The device card's "Generate new activation code" button: its own row, in the body. */
  const generateButton = (card: Record<string, unknown> | undefined) =>
    ((card!.body as { type: string; actions?: { data: Record<string, string> }[] }[]).find((e) => e.type === 'ActionSet')!.actions!)[0]!;

  it('does not expand template syntax in data', () => {
    const { card } = deviceCard(sampleDevice('${secret}', 'pending'), 'en');
    assert.ok(textBlocks(card).includes('${secret}'));
    assert.equal(generateButton(card).data.args, '${secret}');
  });

  it('leaves values under raw unescaped', () => {
    const { card } = deviceCard(sampleDevice('alice@example.com', 'pending', { id: 'dev_1*[x]' }), 'en');
    assert.deepEqual(generateButton(card).data, { command: 'code', args: 'alice@example.com', deviceId: 'dev_1*[x]', version: '2026-11-26T09:00:00.000Z' });
  });

  it('throws on an unbound field, naming the template, the field and where it is', () => {
    const data = { text: 'hello' } as unknown as Parameters<typeof renderCard<'reminder'>>[1];
    assert.throws(() => renderCard('reminder', data, 'en'), /card template "reminder" has unbound fields: \$\{raw\.email\}/);
  });

  it('throws on an unknown or invalid template name', () => {
    assert.throws(() => renderCard('no-such-card' as never, {} as never, 'en'), /cannot load card template .*no-such-card\.json/);
    assert.throws(() => renderCard('../package' as never, {} as never, 'en'), /invalid card template name/);
  });
});

describe('escapeMarkdown', () => {
  const nasty = [
    '*bold* _italic_ **strong** __strong__ ~~struck~~',
    '[link](https://evil.example) ![img](https://evil.example/x.png) <https://evil.example> <evil@example.com>',
    '`code` and ``code``',
    'back\\slash \\*already escaped\\*',
    'AT&T &amp; &#42;',
    '${secret} {{DATE(2025-01-01)}}',
    '_lead and trail_ mid_word_ok',
  ];
  const blocks = ['# heading', '> quote', '- item', '+ item', '* item', '1. first', '2) second', '---', '===', 'text\n==='];

  it('renders every markdown construct as the literal text', () => {
    for (const text of [...nasty, ...blocks]) {
      const html = rendered(escapeMarkdown(text));
      assert.equal(html, `<p>${escapeHtml(text)}</p>`, text);
    }
  });

  it('drops leading whitespace, which would start a code block', () => {
    assert.equal(escapeMarkdown('    indented\n\t  - item'), 'indented\n\\- item');
  });

  it('leaves ordinary text alone, without backslashes a card would show', () => {
    const plain = [
      'Alice O\'Brien', '+1 (408) 555-0142', 'alice@example.com', 'jane_doe@example.com', 'Pending activation', '1.5 GB',
      'Settings → Cellular', 'AT&T', 'Add one with assign <email>.', 'settings notify on|off', 'a | b', '{ "x": 1 }',
    ];
    for (const text of plain) assert.equal(escapeMarkdown(text), text);
  });
});
