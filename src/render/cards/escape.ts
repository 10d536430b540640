// Card text is read by the Adaptive Cards markdown subset (emphasis, links, lists) and, in some
// clients, by a fuller CommonMark renderer without HTML. A backslash escapes any ASCII punctuation
// there, and a renderer that does not read markdown shows the backslash: so only what could take
// effect is escaped, where it could. `jane_doe@example.com`, `assign <email>` and `on|off` stay as
// typed; `*bold*`, `[link](…)`, `<https://…>` and list markers do not become markup.
const RULES: readonly [RegExp, string][] = [
  // Markdown drops leading whitespace from paragraph lines anyway; four spaces would start a code block.
  [/^[ \t]+/gm, ''],
  [/[\\`*[\]~]/g, '\\$&'],
  // An underscore inside a word never starts or ends emphasis.
  [/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_'],
  // Autolinks: <scheme:…> and <someone@host>; other angle brackets are text where HTML is off.
  [/<(?=[A-Za-z][A-Za-z0-9+.-]{1,31}:|[^\s<>@]+@[^\s<>]+>)/g, '\\<'],
  // Client-side template functions such as {{DATE(…)}}.
  [/\{(?=\{)/g, '\\{'],
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
