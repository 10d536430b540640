// Webex-style markdown through markdown-it (served from node_modules), with HTML off: what a
// person or the bot writes as <tags> shows as text. Links open in a new tab and only to web and
// mail addresses; images are not fetched (Webex sends images as files); mentions show as names.
import markdownit from '/local/vendor/markdown-it.mjs';

const md = markdownit({ html: false, linkify: true, breaks: true });
// Bare addresses only with their scheme (https://…), as before: no guessing at "example.com".
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false });
md.disable('image');

const SAFE_URL = /^(https?:|mailto:)/i;
md.validateLink = (url) => SAFE_URL.test(url.trim());

/** Link targets the page will open: web and mail. */
export function safeUrl(url) {
  const trimmed = String(url).trim();
  return SAFE_URL.test(trimmed) ? trimmed : null;
}

export function escapeHtml(text) {
  return md.utils.escapeHtml(String(text));
}

md.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index].attrSet('target', '_blank');
  tokens[index].attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, index, options);
};

// Message headings stay small: # is the message's own h3, under the space's h2.
md.core.ruler.push('small_headings', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') token.tag = `h${Math.min(Number(token.tag.slice(1)) + 2, 6)}`;
  }
});

// Webex mentions: <@personEmail:a@b.c|Name>, <@personId:ID|Name>, <@all>.
const MENTION = /^<@(?:(?:personEmail|personId):[^|>\s]+\|([^>]+)|all)>/;
md.inline.ruler.before('autolink', 'mention', (state, silent) => {
  if (state.src.charCodeAt(state.pos) !== 0x3c /* < */) return false;
  const match = MENTION.exec(state.src.slice(state.pos));
  if (!match) return false;
  if (!silent) state.push('mention', 'span', 0).content = match[1] ?? 'All';
  state.pos += match[0].length;
  return true;
});
md.renderer.rules.mention = (tokens, index) => `<span class="mention">${escapeHtml(tokens[index].content)}</span>`;

/** A whole message: paragraphs, lists, quotes, headings, code. */
export function renderMarkdown(source) {
  return md.render(String(source));
}

/** One line, or a card's TextBlock: no blocks around it. */
export function renderInline(source) {
  return md.renderInline(String(source));
}
