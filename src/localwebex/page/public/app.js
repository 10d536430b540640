// The local Webex page: pick who you are, read and write in your spaces, press card buttons,
// read your email (when the server has a local mailbox), and play your phone (scan the QR from
// the bot, install the Webex Go line, switch it).
import { renderCard } from './cards.js';
import { escapeHtml, renderMarkdown } from './markdown.js';

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

const el = {
  personSelect: $('person-select'),
  addToggle: $('add-person-toggle'),
  addForm: $('add-person-form'),
  addEmail: $('add-person-email'),
  addName: $('add-person-name'),
  addError: $('add-person-error'),
  live: $('live-status'),
  spaceList: $('space-list'),
  spaceEmpty: $('space-list-empty'),
  messageBot: $('message-bot'),
  spaceTitle: $('space-title'),
  spaceSub: $('space-sub'),
  messages: $('message-list'),
  composer: $('composer'),
  mentionToggle: $('mention-toggle'),
  mentionLabel: $('mention-toggle-label'),
  input: $('composer-input'),
  composerError: $('composer-error'),
  phoneTitle: $('phone-title'),
  carrier: $('phone-carrier'),
  phoneState: $('phone-state'),
  iccid: $('phone-iccid'),
  installSection: $('phone-install-section'),
  scan: $('phone-scan'),
  scanPreview: $('phone-scan-preview'),
  scanResult: $('phone-scan-result'),
  code: $('phone-code'),
  install: $('phone-install'),
  lineSection: $('phone-line-section'),
  lineToggle: $('phone-line-toggle'),
  remove: $('phone-remove'),
  answer: $('phone-answer'),
  newPhone: $('phone-new'),
  device: $('phone-device'),
  spacesTitle: $('spaces-title'),
  tabs: $('tabs'),
  spacesTab: $('spaces-tab'),
  mailTab: $('mail-tab'),
  mailUnread: $('mail-unread'),
  spacesPane: document.getElementById('spaces-pane'),
  mailPane: document.getElementById('mail-pane'),
  conversation: $('conversation'),
  mailList: $('mail-list'),
  mailEmpty: $('mail-empty'),
  mailView: $('mail-view'),
  mailPlaceholder: $('mail-placeholder'),
  mailPlaceholderText: $('mail-placeholder-text'),
  mailOpen: $('mail-open'),
  mailSubject: $('mail-subject'),
  mailAvatar: $('mail-avatar'),
  mailFrom: $('mail-from'),
  mailTo: $('mail-to'),
  mailDate: $('mail-date'),
  mailAttachments: $('mail-attachments'),
  mailTextToggle: $('mail-text-toggle'),
  mailFrame: $('mail-frame'),
  mailText: $('mail-text'),
};

const state = {
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

// ---------------------------------------------------------------- HTTP

async function api(path, options = {}) {
  const init = { method: options.method ?? 'GET', headers: {} };
  if (options.body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let res;
  try {
    res = await fetch(`/local/api${path}`, init);
  } catch {
    throw new Error('The local Webex server does not answer. Is it running?');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `The server answered HTTP ${res.status}.`);
  return data;
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------- helpers

function initials(name) {
  const parts = String(name).trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

function hue(text) {
  let h = 0;
  for (const c of String(text)) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

function avatar(name, email, isBot) {
  const span = document.createElement('span');
  span.className = `avatar${isBot ? ' bot' : ''}`;
  span.textContent = initials(name);
  if (!isBot) span.style.background = `hsl(${hue(email)} 45% 42%)`;
  span.setAttribute('aria-hidden', 'true');
  return span;
}

function formatTime(iso) {
  const date = new Date(iso);
  const now = new Date();
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })}, ${time}`;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function currentSpace() {
  return state.spaces.find((s) => s.id === state.spaceId) ?? null;
}

function directSpace() {
  return state.spaces.find((s) => s.type === 'direct') ?? null;
}

function me() {
  return state.people.find((p) => p.email === state.me) ?? null;
}

function remember() {
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

// ---------------------------------------------------------------- people

async function loadPeople() {
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

async function selectPerson(email) {
  if (!email) return;
  state.me = email.toLowerCase();
  el.personSelect.value = state.me;
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

// ---------------------------------------------------------------- spaces

async function loadSpaces() {
  if (!state.me) return;
  const email = state.me;
  const spaces = await api(`/people/${enc(email)}/spaces`);
  if (state.me !== email) return;
  state.spaces = spaces;
  renderSpaces();
}

function renderSpaces() {
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

// ---------------------------------------------------------------- messages

async function openSpace(id) {
  state.spaceId = id;
  state.unread.delete(id);
  state.messages.clear();
  renderSpaces();
  renderConversation();
  const email = state.me;
  try {
    const { messages } = await api(`/spaces/${enc(id)}/messages?as=${enc(email)}`);
    if (state.spaceId !== id || state.me !== email) return;
    for (const m of messages) state.messages.set(m.id, m);
    renderMessages();
  } catch (error) {
    el.messages.replaceChildren(notice(error.message));
  }
  remember();
}

function notice(text) {
  const li = document.createElement('li');
  li.className = 'notice';
  li.textContent = text;
  return li;
}

function renderConversation() {
  const space = currentSpace();
  el.composer.hidden = !space;
  el.spaceTitle.textContent = space ? space.title : state.me ? 'Pick a space' : 'Pick who you are';
  el.spaceSub.textContent = space
    ? space.type === 'direct'
      ? `Your 1:1 space with the bot ${state.bot.email}`
      : `Group space · ${space.memberCount} members · the bot hears only messages that mention it`
    : '';
  document.querySelector('.space-avatar').textContent = space ? initials(space.title) : '';
  document.querySelector('.space-avatar').classList.toggle('bot', space?.type === 'direct');
  el.mentionLabel.hidden = !space || space.type !== 'group';
  el.input.placeholder = space ? `Write a message to ${space.title}` : '';
  if (!space) el.messages.replaceChildren();
}

function renderMessages() {
  const items = [...state.messages.values()];
  if (items.length === 0) {
    el.messages.replaceChildren(notice('No messages yet. Say hello.'));
    return;
  }
  el.messages.replaceChildren();
  for (const m of items) placeMessage(m);
  scrollToEnd(true);
}

// The list follows new messages (and images that finish loading) while the reader is at its end.
let stickToEnd = true;
el.messages.addEventListener('scroll', () => {
  const list = el.messages;
  stickToEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
});

function scrollToEnd(force) {
  if (force) stickToEnd = true;
  if (stickToEnd) el.messages.scrollTop = el.messages.scrollHeight;
}

/** Inserts (or replaces) a message element where it belongs: replies go under their parent. */
function placeMessage(m) {
  const node = messageElement(m);
  const existing = el.messages.querySelector(`[data-message-id="${CSS.escape(m.id)}"]`);
  if (existing) {
    // Keep its replies when a parent is edited.
    const replies = existing.querySelector(':scope > .replies');
    if (replies && replies.children.length) node.querySelector(':scope > .replies').replaceWith(replies);
    existing.replaceWith(node);
    return;
  }
  el.messages.querySelector(':scope > .notice')?.remove();
  const parent = m.parentId ? el.messages.querySelector(`[data-message-id="${CSS.escape(m.parentId)}"] > .replies`) : null;
  (parent ?? el.messages).append(node);
}

function messageElement(m) {
  const li = document.createElement('li');
  li.className = `message${m.sender.isBot ? ' from-bot' : ''}${m.sender.email === state.me ? ' mine' : ''}${m.parentId ? ' reply' : ''}`;
  li.dataset.testid = 'message';
  li.dataset.messageId = m.id;
  li.dataset.senderEmail = m.sender.email;
  li.dataset.editCount = String(m.editCount);

  li.append(avatar(m.sender.displayName, m.sender.email, m.sender.isBot));
  const main = document.createElement('div');
  main.className = 'message-main';

  const meta = document.createElement('div');
  meta.className = 'meta';
  const sender = document.createElement('span');
  sender.className = 'sender';
  sender.dataset.testid = 'message-sender';
  sender.textContent = m.sender.displayName;
  meta.append(sender);
  if (m.sender.isBot) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'Bot';
    meta.append(badge);
  }
  const time = document.createElement('time');
  time.dataset.testid = 'message-time';
  time.dateTime = m.created;
  time.title = new Date(m.created).toLocaleString();
  time.textContent = formatTime(m.created);
  meta.append(time);
  if (m.updated) {
    const edited = document.createElement('span');
    edited.className = 'edited';
    edited.dataset.testid = 'message-edited';
    edited.title = `Edited ${new Date(m.updated).toLocaleString()}`;
    edited.textContent = 'Edited';
    meta.append(edited);
  }
  main.append(meta);

  // Webex shows the card instead of the message text (the text is the fallback).
  if (m.card !== undefined) {
    main.append(cardElement(m));
  } else if (m.markdown !== undefined || m.text !== undefined) {
    const body = document.createElement('div');
    body.className = 'body';
    body.dataset.testid = 'message-body';
    body.innerHTML = bodyHtml(m);
    main.append(body);
  }

  for (const file of m.files) main.append(fileElement(file));

  const replies = document.createElement('ol');
  replies.className = 'replies';
  li.append(main, replies);
  return li;
}

function bodyHtml(m) {
  let source = m.markdown ?? m.text ?? '';
  let prefix = '';
  // A mention of the bot: its name leads the text (the markdown form carries <@personId:…|Name>).
  const name = state.bot.displayName;
  if (m.mentionsBot && m.markdown === undefined && source.startsWith(`${name} `)) {
    prefix = `<span class="mention" data-testid="message-mention">${escapeHtml(name)}</span> `;
    source = source.slice(name.length + 1);
  }
  const html = renderMarkdown(source);
  if (!prefix) return html;
  return html.startsWith('<p>') ? html.replace(/^<p>/, `<p>${prefix}`) : `<p>${prefix}</p>${html}`;
}

function cardElement(m) {
  const wrap = document.createElement('div');
  wrap.className = 'card';
  wrap.dataset.testid = 'message-card';
  const status = document.createElement('p');
  status.className = 'card-status';
  status.dataset.testid = 'card-status';
  status.setAttribute('role', 'status');
  try {
    wrap.append(
      renderCard(m.card, {
        onSubmit: async (inputs) => {
          status.textContent = 'Sending…';
          status.dataset.ok = '';
          try {
            await api(`/messages/${enc(m.id)}/actions`, { method: 'POST', body: { fromEmail: state.me, inputs } });
            status.textContent = `Sent to ${state.bot.displayName}.`;
            status.dataset.ok = 'true';
          } catch (error) {
            status.textContent = error.message;
            status.dataset.ok = 'false';
          }
        },
      }),
    );
  } catch (error) {
    const failed = document.createElement('div');
    failed.className = 'body';
    failed.innerHTML = `<p class="error">This card cannot be shown: ${escapeHtml(error.message)}</p>${renderMarkdown(m.markdown ?? m.text ?? '')}`;
    wrap.append(failed);
  }
  wrap.append(status);
  return wrap;
}

function fileElement(file) {
  if (file.isImage) {
    const link = document.createElement('a');
    link.href = file.url;
    link.target = '_blank';
    link.rel = 'noopener';
    link.className = 'image-file';
    const img = document.createElement('img');
    img.src = file.url;
    img.alt = file.filename;
    img.dataset.testid = 'message-image';
    img.dataset.filename = file.filename;
    img.addEventListener('load', () => scrollToEnd(false));
    link.append(img);
    return link;
  }
  const link = document.createElement('a');
  link.className = 'file';
  link.href = file.url;
  link.download = file.filename;
  link.dataset.testid = 'message-file';
  link.dataset.filename = file.filename;
  const icon = document.createElement('span');
  icon.className = 'file-icon';
  icon.textContent = (file.filename.split('.').pop() ?? 'file').slice(0, 4).toUpperCase();
  const name = document.createElement('span');
  name.className = 'file-name';
  name.textContent = file.filename;
  const size = document.createElement('span');
  size.className = 'file-size';
  size.textContent = `${formatSize(file.size)} · Download`;
  const text = document.createElement('span');
  text.className = 'file-text';
  text.append(name, size);
  link.append(icon, text);
  return link;
}

// ---------------------------------------------------------------- composer

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

// ---------------------------------------------------------------- tabs

function showTab(tab) {
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

// ---------------------------------------------------------------- mailbox

async function loadMail() {
  if (!state.mailbox || !state.me) return;
  const email = state.me;
  const mails = await api(`/mail?email=${enc(email)}`);
  if (state.me !== email) return;
  state.mails = mails;
  renderMailList();
  // The open email may have been dropped from the mailbox meanwhile.
  if (state.mail && !mails.some((m) => m.id === state.mail.id)) {
    state.mail = null;
    renderMail();
  }
}

/** "Webex Go" <webex-go@example.com> → { name: 'Webex Go', address: 'webex-go@example.com' } */
function splitAddress(header) {
  const match = /^\s*"?(.*?)"?\s*<([^<>]*)>\s*$/.exec(header ?? '');
  return match ? { name: match[1].trim() || match[2], address: match[2] } : { name: header ?? '', address: header ?? '' };
}

function renderMailCount() {
  const count = state.mailUnread.size;
  el.mailUnread.hidden = count === 0;
  el.mailUnread.textContent = String(count);
  el.mailUnread.setAttribute('aria-label', `${count} new`);
}

function renderMailList() {
  el.mailList.replaceChildren(
    ...state.mails.map((mail) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'mail-item';
      button.dataset.testid = 'mail-item';
      button.dataset.mailId = mail.id;
      if (state.mail?.id === mail.id) button.setAttribute('aria-current', 'true');
      const unread = state.mailUnread.has(mail.id);
      if (unread) button.classList.add('unread');

      const top = document.createElement('span');
      top.className = 'mail-item-top';
      const from = document.createElement('span');
      from.className = 'mail-item-from';
      from.dataset.testid = 'mail-item-from';
      from.textContent = mail.fromName || mail.from || '(no sender)';
      from.title = mail.from;
      const time = document.createElement('time');
      time.dataset.testid = 'mail-item-time';
      time.dateTime = mail.date;
      time.title = new Date(mail.date).toLocaleString();
      time.textContent = formatTime(mail.date);
      top.append(from, time);
      if (unread) {
        const dot = document.createElement('span');
        dot.className = 'dot';
        dot.setAttribute('aria-label', 'new');
        top.append(dot);
      }
      const subject = document.createElement('span');
      subject.className = 'mail-item-subject';
      subject.dataset.testid = 'mail-item-subject';
      subject.textContent = mail.subject || '(no subject)';
      const preview = document.createElement('span');
      preview.className = 'mail-item-preview';
      preview.textContent = mail.preview;
      button.append(top, subject, preview);
      button.addEventListener('click', () => void openMail(mail.id));
      li.append(button);
      return li;
    }),
  );
  el.mailEmpty.hidden = !state.mailbox || state.mails.length > 0;
  const person = me();
  el.mailEmpty.textContent = person ? `No email for ${person.displayName.split(' ')[0]} yet.` : 'No email yet.';
  el.mailPlaceholderText.textContent = state.mails.length ? 'Pick an email to read it.' : `Emails to ${state.me ?? 'you'} show up here.`;
  renderMailCount();
}

async function openMail(id) {
  const email = state.me;
  state.mailUnread.delete(id);
  state.mailAsText = false;
  try {
    const mail = await api(`/mail/${enc(id)}`);
    if (state.me !== email) return;
    state.mail = mail;
  } catch (error) {
    state.mail = null;
    el.mailPlaceholderText.textContent = error.message;
  }
  renderMailList();
  renderMail();
  if (window.matchMedia('(max-width: 720px)').matches) el.mailView.scrollIntoView({ block: 'start' });
}

/**
 * The sender's HTML, for the sandboxed iframe: links open in a new tab (the frame has no
 * scripts and cannot navigate the page). Parsed inertly: nothing in it loads or runs here.
 */
function framedHtml(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll('base').forEach((node) => node.remove());
  const base = doc.createElement('base');
  base.target = '_blank';
  doc.head.prepend(base);
  if (!doc.querySelector('meta[name="color-scheme"]')) {
    const scheme = doc.createElement('meta');
    scheme.name = 'color-scheme';
    scheme.content = 'light';
    doc.head.prepend(scheme);
  }
  return `${doc.doctype ? '<!DOCTYPE html>\n' : ''}${doc.documentElement.outerHTML}`;
}

function renderMail() {
  const mail = state.mail;
  el.mailPlaceholder.hidden = Boolean(mail);
  el.mailOpen.hidden = !mail;
  if (!mail) {
    el.mailFrame.removeAttribute('srcdoc');
    delete el.mailFrame.dataset.mailId;
    el.mailText.textContent = '';
    return;
  }
  el.mailOpen.dataset.mailId = mail.id;
  el.mailSubject.textContent = mail.subject || '(no subject)';
  const sender = splitAddress(mail.from);
  el.mailAvatar.textContent = initials(sender.name || '?');
  el.mailAvatar.style.background = `hsl(${hue(sender.address)} 45% 42%)`;
  if (sender.name && sender.name !== sender.address) {
    const name = document.createElement('strong');
    name.textContent = sender.name;
    const address = document.createElement('span');
    address.className = 'address';
    address.textContent = `<${sender.address}>`;
    el.mailFrom.replaceChildren(name, ' ', address);
  } else {
    el.mailFrom.textContent = mail.from || '(no sender)';
  }
  el.mailFrom.title = mail.from;
  el.mailTo.textContent = mail.to;
  el.mailDate.dateTime = mail.date;
  el.mailDate.textContent = new Date(mail.date).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

  // Attachments that are not shown inside the HTML (a PDF, say) download from here.
  const files = mail.attachments.filter((a) => !(a.inline && a.cid && mail.html.includes(a.url)));
  el.mailAttachments.replaceChildren(
    ...files.map((file) => {
      const li = document.createElement('li');
      const link = fileElement({
        url: file.url,
        filename: file.filename,
        size: file.size,
        isImage: false,
      });
      link.dataset.testid = 'mail-attachment';
      li.append(link);
      return li;
    }),
  );
  el.mailAttachments.hidden = files.length === 0;

  const hasHtml = mail.html.trim() !== '';
  const hasText = mail.text.trim() !== '';
  const asText = !hasHtml || (state.mailAsText && hasText);
  el.mailTextToggle.hidden = !hasHtml || !hasText;
  el.mailTextToggle.setAttribute('aria-pressed', String(asText));
  el.mailTextToggle.textContent = asText ? 'Show HTML' : 'Plain text';
  el.mailText.textContent = hasText ? mail.text : '(This email has no text.)';
  el.mailText.hidden = !asText;
  el.mailFrame.hidden = asText;
  const srcdoc = hasHtml ? framedHtml(mail.html) : '';
  if (el.mailFrame.dataset.mailId !== mail.id) {
    el.mailFrame.dataset.mailId = mail.id;
    el.mailFrame.srcdoc = srcdoc;
  }
}

el.mailTextToggle.addEventListener('click', () => {
  state.mailAsText = !state.mailAsText;
  renderMail();
});

// ---------------------------------------------------------------- phone

async function loadPhone() {
  if (!state.me) return;
  const email = state.me;
  const phone = await api(`/phones/${enc(email)}`);
  if (state.me === email) renderPhone(phone);
}

function renderPhone(phone) {
  state.phone = phone;
  const line = phone.line;
  el.device.dataset.state = !line ? 'none' : line.enabled ? 'on' : 'off';
  el.phoneState.dataset.state = el.device.dataset.state;
  el.carrier.textContent = line && line.enabled ? line.carrier : 'No service';
  el.phoneState.textContent = !line
    ? 'No Webex Go line'
    : line.enabled
      ? 'Webex Go line is on'
      : 'Webex Go line is off';
  el.iccid.textContent = line ? `ICCID ${line.iccid}` : '';
  el.installSection.hidden = Boolean(line);
  el.lineSection.hidden = !line;
  el.lineToggle.setAttribute('aria-checked', String(Boolean(line?.enabled)));
  const answer = phone.lastAnswer;
  if (!answer) {
    el.answer.textContent = '';
    el.answer.dataset.ok = '';
  } else {
    el.answer.dataset.ok = String(answer.ok);
    el.answer.textContent = describeAnswer(answer);
  }
}

function describeAnswer(a) {
  const what = { install: 'Install', enabled: 'Line on', disabled: 'Line off', deleted: 'Remove line' }[a.action];
  const when = new Date(a.at).toLocaleTimeString();
  if (a.ok) {
    const status = a.status ? ` Device status: ${a.status}.` : '';
    return `${what} (${when}): the eSIM server answered OK${a.httpStatus ? ` (HTTP ${a.httpStatus})` : ''}.${status}`;
  }
  const code = a.httpStatus ? ` (HTTP ${a.httpStatus}${a.reason ? `, ${a.reason}` : ''})` : '';
  return `${what} (${when}) failed${code}: ${a.error}`;
}

async function phoneCall(path, body) {
  if (state.busy) return;
  state.busy = true;
  document.body.classList.add('busy');
  try {
    const { phone } = await api(`/phones/${enc(state.me)}${path}`, { method: 'POST', body });
    renderPhone(phone);
  } catch (error) {
    el.answer.dataset.ok = 'false';
    el.answer.textContent = error.message;
  } finally {
    state.busy = false;
    document.body.classList.remove('busy');
  }
}

el.install.addEventListener('click', () => {
  const code = el.code.value.trim();
  if (!code) {
    el.answer.dataset.ok = 'false';
    el.answer.textContent = 'Scan the QR code or type the activation code first.';
    return;
  }
  void phoneCall('/install', { activationCode: code });
});
el.code.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') el.install.click();
});
el.lineToggle.addEventListener('click', () => {
  const on = el.lineToggle.getAttribute('aria-checked') === 'true';
  void phoneCall('/events', { event: on ? 'disabled' : 'enabled' });
});
el.remove.addEventListener('click', () => void phoneCall('/events', { event: 'deleted' }));
el.newPhone.addEventListener('click', () => void phoneCall('/replace', {}));

function jsQR() {
  const lib = window.jsQR;
  return typeof lib === 'function' ? lib : lib?.default;
}

/** The newest image the bot sent in the person's 1:1 space, decoded as a QR code. */
el.scan.addEventListener('click', async () => {
  el.scanResult.textContent = 'Looking for a QR code…';
  el.scanResult.dataset.ok = '';
  try {
    const direct = directSpace();
    if (!direct) throw new Error(`You have no 1:1 space with ${state.bot.displayName}, so there is no QR code to scan.`);
    const { messages } = await api(`/spaces/${enc(direct.id)}/messages?as=${enc(state.me)}`);
    const images = messages
      .filter((m) => m.sender.isBot)
      .flatMap((m) => m.files.filter((f) => f.isImage));
    const newest = images[images.length - 1];
    if (!newest) throw new Error(`No QR code image from ${state.bot.displayName} in your 1:1 space yet.`);
    const image = new Image();
    image.src = newest.url;
    await image.decode();
    const canvas = document.getElementById('scan-canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const decode = jsQR();
    if (!decode) throw new Error('The QR decoder (jsQR) did not load.');
    const found = decode(pixels.data, pixels.width, pixels.height);
    el.scanPreview.src = newest.url;
    el.scanPreview.hidden = false;
    if (!found || !found.data) throw new Error(`The newest image (${newest.filename}) holds no readable QR code.`);
    el.code.value = found.data;
    el.scanResult.dataset.ok = 'true';
    el.scanResult.textContent = found.data.startsWith('LPA:')
      ? `Scanned: ${found.data}`
      : `Scanned, but this is not an eSIM code (it should start with LPA:): ${found.data}`;
  } catch (error) {
    el.scanResult.dataset.ok = 'false';
    el.scanResult.textContent = error.message;
  }
});

// ---------------------------------------------------------------- live updates

function connect() {
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
          placeMessage(change.message);
          scrollToEnd(change.message.sender.email === state.me);
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
    case 'reset':
      await start();
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------- start

async function start() {
  state.bot = await api('/bot');
  const features = await api('/features').catch(() => ({}));
  state.mailbox = features.mailbox === true;
  el.tabs.hidden = !state.mailbox;
  el.spacesTitle.hidden = state.mailbox;
  showTab(new URL(location.href).searchParams.get('tab') === 'mail' ? 'mail' : 'spaces');
  el.mentionLabel.querySelector('.mention-name').textContent = `Mention ${state.bot.displayName}`;
  await loadPeople();
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
connect();
start().catch((error) => {
  el.spaceTitle.textContent = 'Something went wrong';
  el.spaceSub.textContent = error.message;
});
