// Adaptive cards as Webex shows them: schema 1.3 at most, ShowCard inline, 5 actions,
// Webex-like colours and spacing; a press goes to the bot as Webex sends it. Uses the global
// AdaptiveCards from adaptivecards.min.js.
import { state } from './state.js';
import { api, enc } from './api.js';
import { escapeHtml, renderInline, renderMarkdown, safeUrl } from './markdown.js';
import { reveal } from './messages.js';

const AC = window.AdaptiveCards;

AC.GlobalSettings.setTabIndexAtCardRoot = false;
// TextBlocks and Facts get the same minimal markdown as messages (HTML escaped first).
AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = renderInline(text);
  result.didProcess = true;
};

const FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const colors = (foreground, subtle) => ({ default: foreground, subtle });
const foregrounds = {
  default: colors('#1b1b1b', '#5c5c5c'),
  dark: colors('#1b1b1b', '#5c5c5c'),
  light: colors('#ffffff', '#e0e0e0'),
  accent: colors('#0a6bc2', '#2f87d6'),
  good: colors('#1d7a4f', '#2f9a69'),
  warning: colors('#a35a00', '#bf7a1f'),
  attention: colors('#c2261f', '#d8524c'),
};

const hostConfig = new AC.HostConfig({
  fontFamily: FONT,
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 24, extraLarge: 32, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#e2e2e2' },
  fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  imageSizes: { small: 40, medium: 80, large: 160 },
  containerStyles: {
    default: { backgroundColor: '#ffffff', foregroundColors: foregrounds },
    emphasis: { backgroundColor: '#f4f5f7', foregroundColors: foregrounds },
    accent: { backgroundColor: '#e6f1fb', foregroundColors: foregrounds },
    good: { backgroundColor: '#e5f5ec', foregroundColors: foregrounds },
    attention: { backgroundColor: '#fdeceb', foregroundColors: foregrounds },
    warning: { backgroundColor: '#fff4e0', foregroundColors: foregrounds },
  },
  actions: {
    maxActions: 5,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 12, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
    iconPlacement: 'leftOfTitle',
    allowTitleToWrap: true,
  },
  adaptiveCard: { allowCustomStyle: true },
  factSet: {
    title: { color: 'default', size: 'default', isSubtle: true, weight: 'default', wrap: true, maxWidth: 160 },
    value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
    spacing: 8,
  },
  inputs: { label: { inputSpacing: 'small', requiredInputs: { suffix: ' *', suffixColor: 'attention' } }, errorMessage: { size: 'small', color: 'attention' } },
});

const V1_3 = AC.Versions.v1_3;

/**
 * Renders a card and returns its element. `onSubmit(inputs)` gets the Submit action's data
 * merged with the input values (strings), exactly what Webex sends as `inputs`; `onExpand()`
 * runs when an Action.ShowCard opens its card inline.
 */
function renderCard(content, { onSubmit, onExpand }) {
  const card = new AC.AdaptiveCard();
  card.hostConfig = hostConfig;
  card.maxVersion = V1_3;
  const context = new AC.SerializationContext(V1_3);
  card.parse(content, context);
  card.onExecuteAction = (action) => {
    if (action instanceof AC.SubmitAction) {
      const data = action.data;
      onSubmit(typeof data === 'object' && data !== null ? data : data === undefined ? {} : { data });
    } else if (action instanceof AC.OpenUrlAction) {
      const url = safeUrl(action.url ?? '');
      if (url) window.open(url, '_blank', 'noopener');
    }
    // Action.ShowCard opens inline by itself.
  };
  card.onInlineCardExpanded = (_action, isExpanded) => {
    if (isExpanded) onExpand();
  };
  card.onAnchorClicked = (_element, anchor, event) => {
    const url = safeUrl(anchor.href);
    if (event) event.preventDefault();
    if (url) window.open(url, '_blank', 'noopener');
    return true;
  };
  const element = card.render();
  if (!element) throw new Error('The card could not be rendered.');
  return element;
}

/** A message's card as the list shows it: the card, and a status line for its button presses. */
export function cardElement(m) {
  const wrap = document.createElement('div');
  wrap.className = 'card';
  wrap.dataset.testid = 'message-card';
  const status = document.createElement('p');
  status.className = 'card-status';
  status.dataset.testid = 'card-status';
  status.setAttribute('role', 'status');
  try {
    wrap.append(
      renderCard(m.card, {
        onSubmit: async (inputs) => {
          status.textContent = 'Sending…';
          status.dataset.ok = '';
          try {
            await api(`/messages/${enc(m.id)}/actions`, { method: 'POST', body: { fromEmail: state.me, inputs } });
            status.textContent = `Sent to ${state.bot.displayName}.`;
            status.dataset.ok = 'true';
          } catch (error) {
            status.textContent = error.message;
            status.dataset.ok = 'false';
          }
        },
        // An inline confirmation ("Delete" → "Yes, delete") may open below the list's end.
        onExpand: () => reveal(wrap),
      }),
    );
  } catch (error) {
    const failed = document.createElement('div');
    failed.className = 'body';
    failed.innerHTML = `<p class="error">This card cannot be shown: ${escapeHtml(error.message)}</p>${renderMarkdown(m.markdown ?? m.text ?? '')}`;
    wrap.append(failed);
  }
  wrap.append(status);
  return wrap;
}
