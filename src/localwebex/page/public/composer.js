// Writing in the open space: Enter sends, Shift+Enter breaks the line.
import { el } from './dom.js';
import { currentSpace, state } from './state.js';
import { api, enc } from './api.js';
import { placeMessage, scrollToEnd } from './messages.js';

el.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    el.composer.requestSubmit();
  }
});
el.input.addEventListener('input', () => {
  el.input.style.height = 'auto';
  el.input.style.height = `${Math.min(el.input.scrollHeight, 160)}px`;
});

el.composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const space = currentSpace();
  const text = el.input.value.trim();
  if (!space || !text) return;
  el.composerError.textContent = '';
  try {
    const message = await api(`/spaces/${enc(space.id)}/messages`, {
      method: 'POST',
      body: { fromEmail: state.me, text, mentionBot: space.type === 'group' && el.mentionToggle.checked },
    });
    el.input.value = '';
    el.input.style.height = 'auto';
    if (state.spaceId === message.roomId && !state.messages.has(message.id)) {
      state.messages.set(message.id, message);
      placeMessage(message);
    }
    scrollToEnd(true);
  } catch (error) {
    el.composerError.textContent = error.message;
  }
});
