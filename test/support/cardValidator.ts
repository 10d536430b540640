import { createRequire } from 'node:module';
import type * as AdaptiveCardsModule from 'adaptivecards';

// The package's ESM entry cannot be imported in Node; its UMD build parses and validates without a DOM.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;

const WEBEX_MAX_VERSION = { major: 1, minor: 3 };
const MAX_ACTIONS = 5;
const SCHEMA_URL = /^https?:\/\/adaptivecards\.io\/schemas\/adaptive-card\.json$/;

type Json = Record<string, unknown>;

interface Spec {
  props: readonly string[];
  required?: readonly string[];
}

// Property names of the Adaptive Cards 1.3 schema. Anything else is a typo, a template key left
// behind ($data, $when) or a newer feature that Webex ignores.
const ELEMENT = ['type', 'id', 'spacing', 'separator', 'height', 'isVisible', 'requires', 'fallback'];
const INPUT = [...ELEMENT, 'label', 'isRequired', 'errorMessage'];
const ACTION = ['type', 'id', 'title', 'iconUrl', 'style', 'fallback', 'requires'];
const DATE_LIKE_INPUT: Spec = { props: [...INPUT, 'max', 'min', 'placeholder', 'value'], required: ['id'] };

const CARD: Spec = {
  props: [
    'type', 'version', 'body', 'actions', 'selectAction', 'fallbackText', 'backgroundImage', 'minHeight',
    'speak', 'lang', 'verticalContentAlignment',
  ],
};
const ROOT_CARD: Spec = { props: [...CARD.props, '$schema'], required: ['version'] };

const ELEMENTS = new Map<string, Spec>(Object.entries({
  TextBlock: {
    props: [...ELEMENT, 'text', 'color', 'fontType', 'horizontalAlignment', 'isSubtle', 'maxLines', 'size', 'weight', 'wrap'],
    required: ['text'],
  },
  RichTextBlock: { props: [...ELEMENT, 'inlines', 'horizontalAlignment'], required: ['inlines'] },
  Image: {
    props: [...ELEMENT, 'url', 'altText', 'backgroundColor', 'horizontalAlignment', 'selectAction', 'size', 'style', 'width'],
    required: ['url'],
  },
  ImageSet: { props: [...ELEMENT, 'images', 'imageSize'], required: ['images'] },
  Container: {
    props: [...ELEMENT, 'items', 'selectAction', 'style', 'verticalContentAlignment', 'bleed', 'backgroundImage', 'minHeight'],
    required: ['items'],
  },
  ColumnSet: { props: [...ELEMENT, 'columns', 'selectAction', 'style', 'bleed', 'minHeight', 'horizontalAlignment'] },
  FactSet: { props: [...ELEMENT, 'facts'], required: ['facts'] },
  ActionSet: { props: [...ELEMENT, 'actions'], required: ['actions'] },
  'Input.Text': {
    props: [...INPUT, 'isMultiline', 'maxLength', 'placeholder', 'regex', 'style', 'inlineAction', 'value'],
    required: ['id'],
  },
  'Input.Number': DATE_LIKE_INPUT,
  'Input.Date': DATE_LIKE_INPUT,
  'Input.Time': DATE_LIKE_INPUT,
  'Input.Toggle': { props: [...INPUT, 'title', 'value', 'valueOff', 'valueOn', 'wrap'], required: ['id', 'title'] },
  'Input.ChoiceSet': {
    props: [...INPUT, 'choices', 'isMultiSelect', 'style', 'value', 'placeholder', 'wrap'],
    required: ['id', 'choices'],
  },
}));

const COLUMN: Spec = {
  props: [
    'type', 'id', 'items', 'backgroundImage', 'bleed', 'fallback', 'minHeight', 'separator', 'spacing', 'selectAction',
    'style', 'verticalContentAlignment', 'width', 'isVisible', 'requires',
  ],
};
const FACT: Spec = { props: ['title', 'value'], required: ['title', 'value'] };
const CHOICE: Spec = { props: ['type', 'title', 'value'], required: ['title', 'value'] };
const TEXT_RUN: Spec = {
  props: [
    'type', 'text', 'color', 'fontType', 'highlight', 'isSubtle', 'italic', 'selectAction', 'size', 'strikethrough',
    'underline', 'weight',
  ],
  required: ['text'],
};
const BACKGROUND_IMAGE: Spec = { props: ['url', 'fillMode', 'horizontalAlignment', 'verticalAlignment'], required: ['url'] };

// Webex's card documentation: it handles these three; Action.Execute, Media and the rest do not work there.
const ACTIONS = new Map<string, Spec>([
  ['Action.Submit', { props: [...ACTION, 'data', 'associatedInputs'], required: ['data'] }],
  ['Action.OpenUrl', { props: [...ACTION, 'url'], required: ['url'] }],
  ['Action.ShowCard', { props: [...ACTION, 'card'], required: ['card'] }],
]);
const NOT_IN_WEBEX = new Set(['Media', 'Action.Execute']);

// Reported by our own walk with a JSON path, so the library's path-less copies would only repeat them.
const COVERED_LIBRARY_EVENTS = new Set([
  AC.ValidationEvent.UnknownElementType,
  AC.ValidationEvent.UnknownActionType,
  AC.ValidationEvent.ActionTypeNotAllowed,
  AC.ValidationEvent.MissingCardType,
  AC.ValidationEvent.UnsupportedCardVersion,
  AC.ValidationEvent.TooManyActions,
]);

/** Problems that keep `card` from rendering as intended in Webex; an empty list means it is fine. */
export function validateCard(card: unknown): string[] {
  if (!isObject(card)) return ['card: must be a JSON object'];
  const walker = new CardWalker();
  walker.card(card, '', true);
  walker.checkSubmitDataKeys();
  walker.templateLeftovers(card, '');
  return [...walker.problems, ...libraryProblems(card)];
}

export function webexCardAttachment<T extends object>(card: T) {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card } as const;
}

class CardWalker {
  readonly problems: string[] = [];
  private readonly inputIds = new Set<string>();
  private readonly submits: { path: string; data: Json }[] = [];

  card(card: Json, path: string, isRoot: boolean): void {
    this.properties(card, path, isRoot ? ROOT_CARD : CARD);
    if (card.type !== 'AdaptiveCard') this.report(child(path, 'type'), 'must be "AdaptiveCard"');
    if (card.version !== undefined) this.version(card.version, child(path, 'version'));
    if (card.$schema !== undefined && !(typeof card.$schema === 'string' && SCHEMA_URL.test(card.$schema))) {
      this.report(child(path, '$schema'), 'must be "http://adaptivecards.io/schemas/adaptive-card.json"');
    }
    this.list(card, 'body', path, (element, at) => this.element(element, at));
    this.actionList(card, 'actions', path);
    this.selectAction(card, path);
    this.backgroundImage(card, path);
  }

  private element(element: unknown, path: string): void {
    if (!this.object(element, path)) return;
    const type = element.type;
    const spec = typeof type === 'string' ? ELEMENTS.get(type) : undefined;
    if (!spec) {
      this.report(path, unsupportedType(type, 'an Adaptive Cards 1.3 element'));
      return;
    }
    this.properties(element, path, spec);
    this.fallback(element, path, (fallback, at) => this.element(fallback, at));
    this.selectAction(element, path);
    this.backgroundImage(element, path);
    if (typeof type === 'string' && type.startsWith('Input.') && typeof element.id === 'string') {
      this.inputIds.add(element.id);
    }
    switch (type) {
      case 'Image':
        this.imageUrl(element.url, child(path, 'url'));
        break;
      case 'ImageSet':
        this.list(element, 'images', path, (image, at) => {
          this.element(image, at);
          if (isObject(image) && image.type !== 'Image') this.report(at, 'an ImageSet holds only Image elements');
        });
        break;
      case 'Container':
        this.list(element, 'items', path, (item, at) => this.element(item, at));
        break;
      case 'ColumnSet':
        this.list(element, 'columns', path, (column, at) => this.column(column, at));
        break;
      case 'FactSet':
        this.list(element, 'facts', path, (fact, at) => this.plain(fact, at, FACT));
        break;
      case 'RichTextBlock':
        this.list(element, 'inlines', path, (inline, at) => this.inline(inline, at));
        break;
      case 'ActionSet':
        this.actionList(element, 'actions', path);
        break;
      case 'Input.ChoiceSet':
        this.list(element, 'choices', path, (choice, at) => this.plain(choice, at, CHOICE));
        break;
      case 'Input.Text':
        if (element.inlineAction !== undefined) this.action(element.inlineAction, child(path, 'inlineAction'), false);
        break;
    }
  }

  private column(column: unknown, path: string): void {
    if (!this.object(column, path)) return;
    this.properties(column, path, COLUMN);
    if (column.type !== undefined && column.type !== 'Column') this.report(child(path, 'type'), 'must be "Column"');
    this.fallback(column, path, (fallback, at) => this.column(fallback, at));
    this.selectAction(column, path);
    this.backgroundImage(column, path);
    this.list(column, 'items', path, (item, at) => this.element(item, at));
  }

  private inline(inline: unknown, path: string): void {
    if (typeof inline === 'string') return;
    if (!this.object(inline, path)) return;
    if (inline.type !== 'TextRun') {
      this.report(path, unsupportedType(inline.type, 'an inline of a RichTextBlock (use TextRun)'));
      return;
    }
    this.properties(inline, path, TEXT_RUN);
    this.selectAction(inline, path);
  }

  private actionList(owner: Json, key: string, path: string): void {
    const actions = owner[key];
    this.list(owner, key, path, (action, at) => this.action(action, at, true));
    if (Array.isArray(actions) && actions.length > MAX_ACTIONS) {
      this.report(child(path, key), `${actions.length} actions; Webex shows at most ${MAX_ACTIONS} in one list`);
    }
  }

  private action(action: unknown, path: string, mayShowCard: boolean): void {
    if (!this.object(action, path)) return;
    const type = action.type;
    const spec = typeof type === 'string' ? ACTIONS.get(type) : undefined;
    if (!spec) {
      this.report(path, unsupportedType(type, 'an action Webex handles (use Action.Submit, Action.OpenUrl or Action.ShowCard)'));
      return;
    }
    this.properties(action, path, spec);
    this.fallback(action, path, (fallback, at) => this.action(fallback, at, mayShowCard));
    if (action.iconUrl !== undefined) this.imageUrl(action.iconUrl, child(path, 'iconUrl'));
    switch (type) {
      case 'Action.Submit':
        if (action.data === undefined) break;
        if (isObject(action.data)) this.submits.push({ path: child(path, 'data'), data: action.data });
        else this.report(child(path, 'data'), 'must be an object: Webex merges the input values into it');
        break;
      case 'Action.ShowCard':
        if (!mayShowCard) this.report(path, 'Action.ShowCard is not allowed here (only in an action list)');
        else if (this.object(action.card, child(path, 'card'))) this.card(action.card, child(path, 'card'), false);
        break;
    }
  }

  private selectAction(owner: Json, path: string): void {
    if (owner.selectAction !== undefined) this.action(owner.selectAction, child(path, 'selectAction'), false);
  }

  private backgroundImage(owner: Json, path: string): void {
    const image = owner.backgroundImage;
    const at = child(path, 'backgroundImage');
    if (image === undefined) return;
    if (typeof image === 'string') {
      this.imageUrl(image, at);
    } else if (this.object(image, at)) {
      this.properties(image, at, BACKGROUND_IMAGE);
      this.imageUrl(image.url, child(at, 'url'));
    }
  }

  private fallback(owner: Json, path: string, walk: (fallback: unknown, path: string) => void): void {
    if (owner.fallback === undefined || owner.fallback === 'drop') return;
    walk(owner.fallback, child(path, 'fallback'));
  }

  private version(version: unknown, path: string): void {
    const match = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
    if (!match) {
      this.report(path, 'must be a string like "1.3"');
      return;
    }
    const [major, minor] = [Number(match[1]), Number(match[2])];
    if (major > WEBEX_MAX_VERSION.major || (major === WEBEX_MAX_VERSION.major && minor > WEBEX_MAX_VERSION.minor)) {
      this.report(path, `${String(version)} is above 1.3, the highest version Webex renders`);
    }
  }

  private imageUrl(url: unknown, path: string): void {
    if (typeof url !== 'string') return;
    if (/^data:/i.test(url)) this.report(path, 'data: URIs are not supported by Webex; send the image as a file');
    else if (!/^https:\/\//i.test(url)) this.report(path, 'image URLs must start with https://');
  }

  private plain(value: unknown, path: string, spec: Spec): void {
    if (this.object(value, path)) this.properties(value, path, spec);
  }

  private properties(object: Json, path: string, spec: Spec): void {
    for (const key of Object.keys(object)) {
      if (!spec.props.includes(key)) this.report(child(path, key), `unknown property "${key}"`);
    }
    for (const key of spec.required ?? []) {
      if (object[key] === undefined) this.report(path, `"${key}" is missing`);
    }
  }

  private list(owner: Json, key: string, path: string, walk: (item: unknown, path: string) => void): void {
    const items = owner[key];
    if (items === undefined) return;
    if (!Array.isArray(items)) {
      this.report(child(path, key), 'must be an array');
      return;
    }
    items.forEach((item, index) => walk(item, `${child(path, key)}[${index}]`));
  }

  private object(value: unknown, path: string): value is Json {
    if (isObject(value)) return true;
    this.report(path, 'must be an object');
    return false;
  }

  checkSubmitDataKeys(): void {
    for (const { path, data } of this.submits) {
      for (const key of Object.keys(data)) {
        if (this.inputIds.has(key)) {
          this.report(child(path, key), `"${key}" is also an input id; Webex merges inputs into data, so one overwrites the other`);
        }
      }
    }
  }

  templateLeftovers(value: unknown, path: string): void {
    if (typeof value === 'string') {
      if (value.includes('${') || value.includes('{{')) this.report(path, `leftover template text in "${value}"`);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => this.templateLeftovers(item, `${path}[${index}]`));
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) this.templateLeftovers(item, child(path, key));
    }
  }

  private report(path: string, problem: string): void {
    this.problems.push(`${path || 'card'}: ${problem}`);
  }
}

function libraryProblems(card: Json): string[] {
  const parsed = new AC.AdaptiveCard();
  parsed.maxVersion = AC.Versions.v1_3;
  const context = new AC.SerializationContext(AC.Versions.v1_3);
  try {
    parsed.parse(card, context);
  } catch (error) {
    return [`card: adaptivecards could not parse it: ${error instanceof Error ? error.message : String(error)}`];
  }
  const events = [
    ...Array.from({ length: context.eventCount }, (_, index) => context.getEventAt(index)),
    ...parsed.validateProperties().validationEvents,
  ];
  return events
    .filter((event) => event.event !== AC.ValidationEvent.Hint && !COVERED_LIBRARY_EVENTS.has(event.event))
    .map((event) => `${describe(event.source)}: ${event.message}`);
}

function describe(source: AdaptiveCardsModule.SerializableObject | undefined): string {
  if (!(source instanceof AC.CardObject)) return 'card';
  return source.id ? `${source.getJsonTypeName()} "${source.id}"` : source.getJsonTypeName();
}

function unsupportedType(type: unknown, expected: string): string {
  if (typeof type !== 'string') return '"type" is missing';
  return NOT_IN_WEBEX.has(type) ? `${type} is not supported by Webex` : `${type} is not ${expected}`;
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
