// The local Webex page: pick who you are, read and write in your spaces, press card buttons,
// read your email (when the server has a local mailbox), and play your phone (scan the QR from
// the bot, install the Webex Go line, switch it); and the org admin's simulated Control Hub.
import { el } from './dom.js';
import { state } from './state.js';
import { api } from './api.js';
import { loadPeople, selectPerson } from './people.js';
import { renderConversation } from './messages.js';
import { showTab } from './tabs.js';
import { connect } from './live.js';
import { loadControlHub } from './controlHub.js';
// Sections that only listen to their elements.
import './composer.js';

async function start() {
  state.bot = await api('/bot');
  const features = await api('/features').catch(() => ({}));
  state.mailbox = features.mailbox === true;
  el.tabs.hidden = !state.mailbox;
  el.spacesTitle.hidden = state.mailbox;
  showTab(new URL(location.href).searchParams.get('tab') === 'mail' ? 'mail' : 'spaces');
  el.mentionLabel.querySelector('.mention-name').textContent = `Mention ${state.bot.displayName}`;
  await loadPeople();
  await loadControlHub();
  const asked = new URL(location.href).searchParams.get('as');
  const candidates = [asked, sessionStorage.getItem('localwebex.me'), localStorage.getItem('localwebex.me')];
  const pick = candidates.find((email) => email && state.people.some((p) => p.email === email.toLowerCase()));
  await selectPerson(pick ?? state.people[0]?.email ?? null);
  if (!state.me) {
    renderConversation();
    el.addForm.hidden = false;
  }
  document.body.dataset.ready = 'true';
}

// Listen first, then load: nothing that happens in between is missed.
connect(start);
start().catch((error) => {
  el.spaceTitle.textContent = 'Something went wrong';
  el.spaceSub.textContent = error.message;
});

