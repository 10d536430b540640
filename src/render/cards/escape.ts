// CommonMark lets a backslash escape any ASCII punctuation, which then renders as itself. Escaped
// is what the Adaptive Cards markdown subset reads (emphasis, links, lists), what fuller CommonMark
// renderers read (code, headings, quotes, autolinks, entities, strikethrough, tables) and the braces
// of template syntax, each only where it can take effect, to keep the text clean where a renderer
// shows backslashes.
const RULES: readonly [RegExp, string][] = [
  // Markdown drops leading whitespace from paragraph lines anyway; four spaces would start a code block.
  [/^[ \t]+/gm, ''],
  [/[\\`*_~[\]{}<|]/g, '\\$&'],
  [/&(?=#?[a-z0-9]+;)/gi, '\\&'],
  [/^[#>]/gm, '\\$&'],
  [/^[-+](?=\s|$)/gm, '\\$&'],
  [/^[-=](?=[-= \t]*$)/gm, '\\$&'],
  [/^(\d{1,9})([.)])(?=\s|$)/gm, '$1\\$2'],
];

/** `text` as markdown that renders literally, e.g. `*Bob*` → `\*Bob\*`. */
export function escapeMarkdown(text: string): string {
  return RULES.reduce((escaped, [pattern, replacement]) => escaped.replace(pattern, replacement), text);
}
