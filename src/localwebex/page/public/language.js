// The language the bot writes in to the person you act as: chosen here, it is typed as
// "language en|bg" in their 1:1 with the bot, the way a person would, so the bot's own command
// stores it. The page remembers the last choice per person (the bot's store is not the page's).
import { el } from './dom.js';
import { state } from './state.js';
import { api, enc } from './api.js';
import { loadSpaces } from './spaces.js';
import { openSpace } from './messages.js';
import { showTab } from './tabs.js';

const key = (email) => `localwebex.language.${email}`;

/** Shows the person's last choice, or the org default. */
export function showLanguage() {
  el.languageSelect.value = (state.me && localStorage.getItem(key(state.me))) || '';
}

el.languageSelect.addEventListener('change', async () => {
  const language = el.languageSelect.value;
  if (!state.me || !language) return;
  localStorage.setItem(key(state.me), language);
  showTab('spaces');
  const space = await api(`/people/${enc(state.me)}/direct`, { method: 'POST' });
  await api(`/spaces/${enc(space.id)}/messages`, { method: 'POST', body: { fromEmail: state.me, text: `language ${language}`, mentionBot: false } });
  await loadSpaces();
  await openSpace(space.id);
});
