// Writing in the open space: Enter sends, Shift+Enter breaks the line. A file goes with the
// message when attached by the Attach button or dropped on the composer (e.g. "calls" and the
// Detailed Call History CSV).
import { el } from './dom.js';
import { currentSpace, state } from './state.js';
import { api, enc, upload } from './api.js';

/** The file to send with the next message, if any. */
let attached;

function attach(file) {
  attached = file;
  el.fileChip.hidden = !file;
  el.fileName.textContent = file ? `${file.name} (${formatSize(file.size)})` : '';
  if (!file) el.fileInput.value = '';
}

function formatSize(bytes) {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

el.attach.addEventListener('click', () => el.fileInput.click());
el.fileInput.addEventListener('change', () => attach(el.fileInput.files?.[0]));
el.fileRemove.addEventListener('click', () => attach(undefined));
el.composer.addEventListener('dragover', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  event.preventDefault();
  el.composer.classList.add('dropping');
});
el.composer.addEventListener('dragleave', () => el.composer.classList.remove('dropping'));
el.composer.addEventListener('drop', (event) => {
  const file = event.dataTransfer?.files?.[0];
  el.composer.classList.remove('dropping');
  if (!file) return;
  event.preventDefault();
  attach(file);
});
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
  if (!space || (!text && !attached)) return;
  el.composerError.textContent = '';
  const mentionBot = space.type === 'group' && el.mentionToggle.checked;
  try {
    const message = attached
      ? await upload(
          `/spaces/${enc(space.id)}/messages/with-file?` +
            new URLSearchParams({
              fromEmail: state.me,
              text,
              mentionBot: mentionBot ? '1' : '0',
              filename: attached.name,
              contentType: attached.type || 'application/octet-stream',
            }),
          attached,
        )
      : await api(`/spaces/${enc(space.id)}/messages`, { method: 'POST', body: { fromEmail: state.me, text, mentionBot } });
    attach(undefined);
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
