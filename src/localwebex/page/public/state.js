// What the page knows and shows, and where it remembers who you are between visits.

export const state = {
  bot: { email: '', displayName: 'the bot' },
  people: [],
  me: null, // email
  spaces: [],
  spaceId: null,
  /** id -> message view of the open space */
  messages: new Map(),
  /** spaces with news since they were last open, for the current person */
  unread: new Set(),
  phone: null,
  busy: false,
  /** whether the server has a local mailbox */
  mailbox: false,
  /** 'spaces' or 'mail': what the left panel and the middle show */
  tab: 'spaces',
  /** the current person's email, newest first (summaries) */
  mails: [],
  /** the open email (full view) */
  mail: null,
  /** emails that arrived while the page was open and were not read yet */
  mailUnread: new Set(),
  /** show the open email's plain-text part instead of its HTML */
  mailAsText: false,
};

export function currentSpace() {
  return state.spaces.find((s) => s.id === state.spaceId) ?? null;
}

export function directSpace() {
  return state.spaces.find((s) => s.type === 'direct') ?? null;
}

export function me() {
  return state.people.find((p) => p.email === state.me) ?? null;
}

export function remember() {
  const url = new URL(location.href);
  if (state.me) url.searchParams.set('as', state.me);
  else url.searchParams.delete('as');
  if (state.tab === 'mail') url.searchParams.set('tab', 'mail');
  else url.searchParams.delete('tab');
  history.replaceState(null, '', url);
  if (state.me) {
    sessionStorage.setItem('localwebex.me', state.me);
    localStorage.setItem('localwebex.me', state.me);
    if (state.spaceId) sessionStorage.setItem(`localwebex.space.${state.me}`, state.spaceId);
  }
}
