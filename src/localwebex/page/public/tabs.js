// Spaces or Mailbox: what the left panel and the middle show.
import { el } from './dom.js';
import { remember, state } from './state.js';
import { renderMailCount } from './mailbox.js';

export function showTab(tab) {
  const mail = tab === 'mail' && state.mailbox;
  state.tab = mail ? 'mail' : 'spaces';
  el.spacesTab.setAttribute('aria-selected', String(!mail));
  el.mailTab.setAttribute('aria-selected', String(mail));
  el.spacesTab.tabIndex = mail ? -1 : 0;
  el.mailTab.tabIndex = mail ? 0 : -1;
  el.spacesPane.hidden = mail;
  el.mailPane.hidden = !mail;
  el.conversation.hidden = mail;
  el.mailView.hidden = !mail;
  document.body.dataset.tab = state.tab;
  renderMailCount();
  if (state.me) remember();
}

el.spacesTab.addEventListener('click', () => showTab('spaces'));
el.mailTab.addEventListener('click', () => showTab('mail'));
el.tabs.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
  event.preventDefault();
  showTab(state.tab === 'mail' ? 'spaces' : 'mail');
  (state.tab === 'mail' ? el.mailTab : el.spacesTab).focus();
});
