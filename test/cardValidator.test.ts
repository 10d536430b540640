import assert from 'node:assert/strict';
import { validateCard, webexCardAttachment } from './support/cardValidator.js';

type Card = Record<string, unknown> & { body: Record<string, unknown>[]; actions: Record<string, unknown>[] };

function validCard(): Card {
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.3',
    body: [
      { type: 'TextBlock', text: 'Webex Go device of **Alice**', weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'FactSet', facts: [{ title: 'Status', value: 'Pending activation' }] },
      {
        type: 'ColumnSet',
        columns: [
          { type: 'Column', width: 'auto', items: [{ type: 'Image', url: 'https://example.com/logo.png', altText: 'logo' }] },
          { type: 'Column', width: 'stretch', items: [{ type: 'RichTextBlock', inlines: ['Code: ', { type: 'TextRun', text: 'A-1', fontType: 'Monospace' }] }] },
        ],
      },
      { type: 'Input.Text', id: 'email', label: 'Email', placeholder: 'alice@example.com', isRequired: true, errorMessage: 'Enter an email' },
      { type: 'Input.ChoiceSet', id: 'status', choices: [{ title: 'Online', value: 'online' }], value: 'online' },
      { type: 'Input.Toggle', id: 'notify', title: 'Notify the user', value: 'true' },
      { type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Help', url: 'https://help.webex.com' }] },
      { type: 'Container', style: 'emphasis', items: [{ type: 'TextBlock', text: 'Note', isSubtle: true }], selectAction: { type: 'Action.Submit', data: { action: 'note' } } },
    ],
    actions: [
      { type: 'Action.Submit', title: 'Assign', data: { action: 'device.assign' } },
      {
        type: 'Action.ShowCard',
        title: 'Delete',
        card: {
          type: 'AdaptiveCard',
          body: [{ type: 'TextBlock', text: 'Sure?' }],
          actions: [{ type: 'Action.Submit', title: 'Delete', style: 'destructive', data: { action: 'device.delete', deviceId: 'd1' } }],
        },
      },
    ],
  };
}

function problemsAfter(change: (card: Card) => void): string[] {
  const card = validCard();
  change(card);
  return validateCard(card);
}

function assertReported(problems: string[], pattern: RegExp): void {
  assert.ok(problems.some((problem) => pattern.test(problem)), `expected ${pattern} among:\n${problems.join('\n')}`);
}

describe('validateCard', () => {
  it('accepts a valid Adaptive Card 1.3', () => {
    assert.deepEqual(validateCard(validCard()), []);
  });

  it('refuses what is not a card object', () => {
    assertReported(validateCard('card'), /^card: must be a JSON object/);
    assertReported(validateCard({ ...validCard(), type: 'Card' }), /^type: must be "AdaptiveCard"/);
  });

  it('requires a version of at most 1.3', () => {
    assertReported(problemsAfter((card) => (card.version = '1.5')), /^version: 1\.5 is above 1\.3/);
    assertReported(problemsAfter((card) => delete card.version), /^card: "version" is missing/);
    assertReported(problemsAfter((card) => (card.version = 1.3)), /^version: must be a string like "1\.3"/);
  });

  it('checks $schema', () => {
    assertReported(problemsAfter((card) => (card.$schema = 'https://example.com/schema.json')), /^\$schema: must be/);
  });

  it('reports 1.5-only elements and properties', () => {
    assertReported(problemsAfter((card) => card.body.push({ type: 'Table', columns: [] })), /^body\[8\]: Table is not an Adaptive Cards 1\.3 element/);
    const problems = problemsAfter((card) => (card.body[0].style = 'heading'));
    assertReported(problems, /^body\[0\]\.style: unknown property "style"/);
    assertReported(problems, /supported in version 1\.5/);
  });

  it('reports Action.Execute, Action.ToggleVisibility and Media, which Webex does not handle', () => {
    const problems = problemsAfter((card) => {
      (card.body[6].actions as unknown[]).push({ type: 'Action.Execute', title: 'Run', verb: 'run' });
      card.actions.push({ type: 'Action.ToggleVisibility', title: 'More', targetElements: ['x'] });
      card.body.push({ type: 'Media', sources: [{ mimeType: 'video/mp4', url: 'https://example.com/v.mp4' }] });
    });
    assertReported(problems, /^body\[6\]\.actions\[1\]: Action\.Execute is not supported by Webex/);
    assertReported(problems, /^actions\[2\]: Action\.ToggleVisibility is not an action Webex handles/);
    assertReported(problems, /^body\[8\]: Media is not supported by Webex/);
  });

  it('allows at most 5 actions in a list: card, ActionSet and ShowCard card', () => {
    const six = () => Array.from({ length: 6 }, (_, i) => ({ type: 'Action.Submit', title: `Button ${i}`, data: { action: `a${i}` } }));
    assertReported(problemsAfter((card) => (card.actions = six())), /^actions: 6 actions; Webex shows at most 5/);
    assertReported(problemsAfter((card) => (card.body[6].actions = six())), /^body\[6\]\.actions: 6 actions/);
    assertReported(
      problemsAfter((card) => ((card.actions[1].card as Card).actions = six())),
      /^actions\[1\]\.card\.actions: 6 actions/,
    );
    assert.deepEqual(problemsAfter((card) => (card.actions = six().slice(0, 5))), []);
  });

  it('reports leftover template text anywhere', () => {
    assertReported(problemsAfter((card) => (card.body[0].text = 'Hello ${name}')), /^body\[0\]\.text: leftover template text in "Hello \$\{name\}"/);
    assertReported(problemsAfter((card) => (card.actions[0].data = { action: '${action}' })), /^actions\[0\]\.data\.action: leftover template text/);
    assertReported(problemsAfter((card) => (card.body[0].text = 'Due {{DATE(2025-01-01T00:00:00Z)}}')), /^body\[0\]\.text: leftover template text/);
    assertReported(problemsAfter((card) => (card.body[0].$when = '${show}')), /^body\[0\]\.\$when: unknown property/);
  });

  it('reports misspelled properties with their JSON path', () => {
    assertReported(problemsAfter((card) => (card.body[0].wieght = 'Bolder')), /^body\[0\]\.wieght: unknown property "wieght"/);
    assertReported(
      problemsAfter((card) => {
        const column = (card.body[2].columns as Record<string, unknown>[])[1];
        const richText = (column.items as Record<string, unknown>[])[0];
        (richText.inlines as unknown[]).push({ type: 'TextRun', text: 'x', colour: 'Good' });
      }),
      /^body\[2\]\.columns\[1\]\.items\[0\]\.inlines\[2\]\.colour: unknown property/,
    );
    assertReported(problemsAfter((card) => (card.actions[0].titel = 'x')), /^actions\[0\]\.titel: unknown property/);
    assertReported(problemsAfter((card) => (card.bodyy = [])), /^bodyy: unknown property/);
  });

  it('reports missing required properties', () => {
    assertReported(problemsAfter((card) => delete card.body[0].text), /^body\[0\]: "text" is missing/);
    assertReported(problemsAfter((card) => delete card.actions[0].data), /^actions\[0\]: "data" is missing/);
  });

  it('accepts only https: image URLs', () => {
    assertReported(problemsAfter((card) => card.body.push({ type: 'Image', url: 'http://example.com/qr.png' })), /^body\[8\]\.url: image URLs must start with https:\/\//);
    assertReported(
      problemsAfter((card) => card.body.push({ type: 'Image', url: 'data:image/png;base64,iVBORw0KGgo=' })),
      /^body\[8\]\.url: data: URIs are not supported by Webex/,
    );
    assertReported(problemsAfter((card) => (card.backgroundImage = 'http://example.com/bg.png')), /^backgroundImage: image URLs must start with https/);
    assertReported(problemsAfter((card) => (card.actions[0].iconUrl = 'http://example.com/i.png')), /^actions\[0\]\.iconUrl: image URLs/);
  });

  it('requires Action.Submit data to be an object whose keys are not input ids', () => {
    assertReported(problemsAfter((card) => (card.actions[0].data = 'assign')), /^actions\[0\]\.data: must be an object/);
    assertReported(
      problemsAfter((card) => (card.actions[0].data = { action: 'device.assign', email: 'x@example.com' })),
      /^actions\[0\]\.data\.email: "email" is also an input id/,
    );
    const inShowCard = problemsAfter((card) => ((card.actions[1].card as Card).actions[0].data = { action: 'x', notify: 'no' }));
    assertReported(inShowCard, /^actions\[1\]\.card\.actions\[0\]\.data\.notify: "notify" is also an input id/);
  });

  it('passes on the library findings, such as duplicate ids', () => {
    assertReported(problemsAfter((card) => card.body.push({ type: 'Input.Text', id: 'email' })), /Duplicate Id "email"/);
  });

  it('wraps a card as a Webex attachment', () => {
    const card = validCard();
    assert.deepEqual(webexCardAttachment(card), { contentType: 'application/vnd.microsoft.card.adaptive', content: card });
  });
});
