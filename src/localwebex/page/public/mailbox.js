// The current person's Mailbox: the list, and the open email in a sandboxed iframe.
import { el } from './dom.js';
import { me, state } from './state.js';
import { api, enc } from './api.js';
import { formatTime, hue, initials } from './format.js';
import { fileElement } from './messages.js';

export async function loadMail() {
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

export function renderMailCount() {
  const count = state.mailUnread.size;
  el.mailUnread.hidden = count === 0;
  el.mailUnread.textContent = String(count);
  el.mailUnread.setAttribute('aria-label', `${count} new`);
}

export function renderMailList() {
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

export function renderMail() {
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
