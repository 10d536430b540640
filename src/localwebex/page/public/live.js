// Live updates from the server (server-sent events), applied to what the page shows.
import { el } from './dom.js';
import { state } from './state.js';
import { loadPeople } from './people.js';
import { loadSpaces } from './spaces.js';
import { openSpace, placeMessage, renderConversation, revealCard, scrollToEnd } from './messages.js';
import { loadMail } from './mailbox.js';
import { loadPhone, renderPhone } from './phone.js';
import { loadControlHub } from './controlHub.js';

let onReset = async () => {};

/** Opens the stream; `restart` reloads everything after the local Webex was reset. */
export function connect(restart) {
  onReset = restart;
  const source = new EventSource('/local/api/events');
  source.addEventListener('open', () => setLive(true));
  source.addEventListener('error', () => setLive(false));
  source.addEventListener('message', (event) => {
    let change;
    try {
      change = JSON.parse(event.data);
    } catch {
      return;
    }
    void onChange(change).catch((error) => console.error(error));
  });
}

function setLive(on) {
  el.live.dataset.live = String(on);
  el.live.textContent = on ? 'live' : 'reconnecting…';
}

let reconnectedBefore = false;

async function onChange(change) {
  switch (change.type) {
    case 'hello':
      // After a reconnect, catch up on whatever was missed.
      if (reconnectedBefore && state.me) {
        await loadPeople();
        await loadSpaces();
        await loadPhone();
        if (state.spaceId) await openSpace(state.spaceId);
        await loadMail();
        await loadControlHub();
      }
      reconnectedBefore = true;
      break;
    case 'mail':
      if (!state.me || !Array.isArray(change.to) || !change.to.includes(state.me)) break;
      if (!state.mails.some((m) => m.id === change.mail.id)) state.mailUnread.add(change.mail.id);
      await loadMail();
      break;
    case 'message': {
      const inSpace = state.spaces.some((s) => s.id === change.roomId);
      if (!inSpace) break;
      if (change.roomId === state.spaceId) {
        if (change.action === 'deleted') {
          state.messages.delete(change.messageId);
          el.messages.querySelector(`[data-message-id="${CSS.escape(change.messageId)}"]`)?.remove();
        } else {
          const known = state.messages.get(change.message.id);
          if (known && known.editCount === change.message.editCount && change.action !== 'updated') break;
          state.messages.set(change.message.id, change.message);
          const node = placeMessage(change.message);
          scrollToEnd(change.message.sender.email === state.me);
          if (change.message.card !== undefined) revealCard(node);
        }
      } else if (change.action === 'created' && change.message.sender.email !== state.me) {
        state.unread.add(change.roomId);
      }
      await loadSpaces();
      break;
    }
    case 'people':
      await loadPeople();
      break;
    case 'spaces':
      await loadSpaces();
      if (state.spaceId && !state.spaces.some((s) => s.id === state.spaceId)) {
        state.spaceId = null;
        renderConversation();
      } else if (!state.spaceId && state.spaces[0]) {
        await openSpace(state.spaces[0].id);
      }
      break;
    case 'phone':
      if (change.email === state.me) renderPhone(change.phone);
      break;
    case 'org':
      await loadControlHub();
      break;
    case 'reset':
      await onReset();
      break;
    default:
      break;
  }
}
