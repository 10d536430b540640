// The spaces list of the current person, and "Message GoBot" for a first 1:1.
import { el } from './dom.js';
import { directSpace, state } from './state.js';
import { api, enc } from './api.js';
import { avatar } from './format.js';
import { openSpace } from './messages.js';
import { showTab } from './tabs.js';

export async function loadSpaces() {
  if (!state.me) return;
  const email = state.me;
  const spaces = await api(`/people/${enc(email)}/spaces`);
  if (state.me !== email) return;
  state.spaces = spaces;
  renderSpaces();
}

export function renderSpaces() {
  el.spaceList.replaceChildren(
    ...state.spaces.map((space) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'space-item';
      button.dataset.testid = 'space-item';
      button.dataset.spaceId = space.id;
      button.dataset.spaceType = space.type;
      button.dataset.spaceTitle = space.title;
      if (space.id === state.spaceId) button.setAttribute('aria-current', 'true');
      if (state.unread.has(space.id)) button.classList.add('unread');
      const icon = avatar(space.title, space.id, space.type === 'direct');
      icon.classList.add('small');
      if (space.type === 'group') icon.classList.add('group');
      const text = document.createElement('span');
      text.className = 'space-text';
      const title = document.createElement('span');
      title.className = 'space-name';
      title.textContent = space.title;
      const sub = document.createElement('span');
      sub.className = 'space-kind';
      sub.textContent = space.type === 'direct' ? '1:1 with the bot' : `Group · ${space.memberCount} members`;
      text.append(title, sub);
      button.append(icon, text);
      if (state.unread.has(space.id)) {
        const dot = document.createElement('span');
        dot.className = 'dot';
        dot.setAttribute('aria-label', 'new messages');
        button.append(dot);
      }
      button.addEventListener('click', () => {
        showTab('spaces');
        void openSpace(space.id);
      });
      li.append(button);
      return li;
    }),
  );
  el.spaceEmpty.hidden = state.spaces.length > 0;
  el.messageBot.hidden = !state.me || directSpace() !== null;
  el.messageBot.textContent = `Message ${state.bot.displayName}`;
}

el.messageBot.addEventListener('click', async () => {
  showTab('spaces');
  const space = await api(`/people/${enc(state.me)}/direct`, { method: 'POST' });
  await loadSpaces();
  await openSpace(space.id);
});
