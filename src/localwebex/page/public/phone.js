// The current person's phone: scan the QR from the bot, install the line, switch it, remove it.
import { el } from './dom.js';
import { directSpace, state } from './state.js';
import { api, enc } from './api.js';

export async function loadPhone() {
  if (!state.me) return;
  const email = state.me;
  const phone = await api(`/phones/${enc(email)}`);
  if (state.me === email) renderPhone(phone);
}

export function renderPhone(phone) {
  state.phone = phone;
  const line = phone.line;
  el.device.dataset.state = !line ? 'none' : line.revoked ? 'revoked' : line.enabled ? 'on' : 'off';
  el.phoneState.dataset.state = el.device.dataset.state;
  el.carrier.textContent = line && line.enabled && !line.revoked ? line.carrier : 'No service';
  el.phoneState.textContent = {
    none: 'No Webex Go line',
    revoked: 'Webex Go line no longer works: it was revoked',
    on: 'Webex Go line is on',
    off: 'Webex Go line is off',
  }[el.device.dataset.state];
  el.iccid.textContent = line ? `ICCID ${line.iccid}` : '';
  el.installSection.hidden = Boolean(line);
  el.lineSection.hidden = !line;
  // A revoked line cannot be switched; it can only be removed from the phone.
  el.lineToggle.hidden = Boolean(line?.revoked);
  el.lineToggle.setAttribute('aria-checked', String(Boolean(line?.enabled && !line.revoked)));
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
    const server = a.server === 'org' ? "the org's SM-DP+" : 'the eSIM server';
    return `${what} (${when}): ${server} answered OK${a.httpStatus ? ` (HTTP ${a.httpStatus})` : ''}.${status}`;
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
