// Who you are: the person picker and the form that adds a person.
import { el } from './dom.js';
import { me, remember, state } from './state.js';
import { api } from './api.js';
import { loadSpaces } from './spaces.js';
import { openSpace, renderConversation } from './messages.js';
import { loadMail, renderMail, renderMailList } from './mailbox.js';
import { loadPhone } from './phone.js';
import { showLanguage } from './language.js';

export async function loadPeople() {
  state.people = await api('/people');
  const previous = el.personSelect.value;
  el.personSelect.replaceChildren(
    ...state.people.map((p) => {
      const option = document.createElement('option');
      option.value = p.email;
      option.textContent = `${p.displayName} <${p.email}>`;
      return option;
    }),
  );
  if (state.me && state.people.some((p) => p.email === state.me)) el.personSelect.value = state.me;
  else if (previous) el.personSelect.value = previous;
}

export async function selectPerson(email) {
  if (!email) return;
  state.me = email.toLowerCase();
  el.personSelect.value = state.me;
  showLanguage();
  state.unread.clear();
  state.spaceId = null;
  state.messages.clear();
  state.mails = [];
  state.mail = null;
  state.mailUnread.clear();
  state.mailAsText = false;
  renderMailList();
  renderMail();
  const person = me();
  el.phoneTitle.textContent = person ? `${person.displayName.split(' ')[0]}'s phone` : 'Phone';
  el.scanResult.textContent = '';
  el.scanPreview.hidden = true;
  el.code.value = '';
  await Promise.all([loadSpaces(), loadPhone(), loadMail()]);
  const wanted = sessionStorage.getItem(`localwebex.space.${state.me}`);
  const first = state.spaces.find((s) => s.id === wanted) ?? state.spaces[0];
  if (first) await openSpace(first.id);
  else renderConversation();
  remember();
}

el.personSelect.addEventListener('change', () => void selectPerson(el.personSelect.value));

el.addToggle.addEventListener('click', () => {
  el.addForm.hidden = !el.addForm.hidden;
  el.addToggle.setAttribute('aria-expanded', String(!el.addForm.hidden));
  if (!el.addForm.hidden) el.addEmail.focus();
});

el.addForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  el.addError.textContent = '';
  try {
    const person = await api('/people', { method: 'POST', body: { email: el.addEmail.value, displayName: el.addName.value } });
    el.addEmail.value = '';
    el.addName.value = '';
    el.addForm.hidden = true;
    el.addToggle.setAttribute('aria-expanded', 'false');
    await loadPeople();
    await selectPerson(person.email);
  } catch (error) {
    el.addError.textContent = error.message;
  }
});
