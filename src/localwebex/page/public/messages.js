// The open space: its messages (replies under their parent), bodies as markdown, files.
import { el } from './dom.js';
import { currentSpace, remember, state } from './state.js';
import { api, enc } from './api.js';
import { avatar, formatSize, formatTime, initials } from './format.js';
import { renderSpaces } from './spaces.js';
import { cardElement } from './cards.js';
import { escapeHtml, renderMarkdown } from './markdown.js';

export async function openSpace(id) {
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

export function renderConversation() {
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

export function scrollToEnd(force) {
  if (force) stickToEnd = true;
  if (stickToEnd) el.messages.scrollTop = el.messages.scrollHeight;
}

/** Inserts (or replaces) a message element where it belongs (replies under their parent), and returns it. */
export function placeMessage(m) {
  const node = messageElement(m);
  const existing = el.messages.querySelector(`[data-message-id="${CSS.escape(m.id)}"]`);
  if (existing) {
    // Keep its replies when a parent is edited.
    const replies = existing.querySelector(':scope > .replies');
    if (replies && replies.children.length) node.querySelector(':scope > .replies').replaceWith(replies);
    existing.replaceWith(node);
    return node;
  }
  el.messages.querySelector(':scope > .notice')?.remove();
  const parent = m.parentId ? el.messages.querySelector(`[data-message-id="${CSS.escape(m.parentId)}"] > .replies`) : null;
  (parent ?? el.messages).append(node);
  return node;
}

/**
 * Scrolls the message list (only the list: the phone beside it stays where it is) so the
 * element shows, its top first when it is taller than the list.
 */
export function reveal(element) {
  const list = el.messages;
  const top = element.getBoundingClientRect().top - list.getBoundingClientRect().top + list.scrollTop;
  const bottom = top + element.offsetHeight;
  if (top < list.scrollTop || bottom - top > list.clientHeight) list.scrollTop = top;
  else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
}

/** A card that arrives or is replaced (a confirmation, the card after a press) shows in full. */
export function revealCard(node) {
  reveal(node.querySelector(':scope > .message-main') ?? node);
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

export function fileElement(file) {
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
