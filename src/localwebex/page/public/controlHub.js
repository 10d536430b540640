// The simulated Control Hub: the org's Webex Go devices, the license pool, and the admin's
// actions (add a device, generate a new activation code, Lost/stolen, delete).
import { api, enc } from './api.js';

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const hub = {
  pool: $('hub-pool'),
  addForm: $('hub-add-form'),
  addPerson: $('hub-add-person'),
  rows: $('hub-devices').querySelector('tbody'),
  code: $('hub-code'),
  codeUser: $('hub-code-user'),
  codeExpiry: $('hub-code-expiry'),
  codeSmdp: $('hub-code-smdp'),
  codeMatchingId: $('hub-code-matching-id'),
  codeLpa: $('hub-code-lpa'),
  error: $('hub-error'),
};

// The mapping (Control Hub words for the API's states): Pending, Online, Offline, or unknown.
function statusOf(device) {
  const c = device.connectionStatus;
  if (c === 'activating' || device.activationState === 'activating' || device.activationState === 'deactivated') return ['pending', 'Pending activation'];
  if (c === 'connected' || c === 'connected_with_issues') return ['online', 'Online'];
  if (c === 'disconnected' || c === 'offline_expired' || c === 'offline_deep_sleep') return ['offline', 'Offline'];
  return ['unknown', 'Status unknown'];
}

function button(label, testid, onClick, kind = 'secondary') {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = kind;
  b.textContent = label;
  b.dataset.testid = testid;
  b.addEventListener('click', onClick);
  return b;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function showCode(code, device) {
  hub.code.hidden = false;
  hub.codeUser.textContent = `${device.displayName} (${device.email})`;
  hub.codeExpiry.textContent = new Date(code.expiresAt).toISOString().slice(0, 10);
  hub.codeSmdp.textContent = code.smdpAddress;
  hub.codeMatchingId.textContent = code.matchingId;
  hub.codeLpa.textContent = code.activationCode;
}

async function act(request) {
  hub.error.textContent = '';
  try {
    return await request();
  } catch (error) {
    hub.error.textContent = error.message;
    return undefined;
  }
}

function render(view) {
  hub.pool.textContent = view.licenses.map((l) => `${l.name}: ${l.consumedUnits} of ${l.totalUnits} in use`).join(' · ') + ` · SM-DP+ ${view.smdpAddress}`;
  hub.addPerson.replaceChildren(
    ...view.candidates.map((p) => {
      const option = document.createElement('option');
      option.value = p.email;
      option.textContent = `${p.displayName} (${p.email})`;
      return option;
    }),
  );
  hub.addForm.hidden = view.candidates.length === 0;
  hub.rows.replaceChildren(
    ...view.devices.map((device) => {
      const [kind, label] = statusOf(device);
      const row = document.createElement('tr');
      row.dataset.email = device.email;
      const status = cell(label);
      status.className = `hub-status ${kind}`;
      const actions = document.createElement('td');
      if (kind === 'pending') {
        actions.append(
          button('Generate new activation code', 'hub-generate', async () => {
            const answer = await act(() => api(`/org/devices/${enc(device.id)}/code`, { method: 'POST', body: {} }));
            if (!answer) return;
            render(answer.org);
            showCode(answer.code, device);
          }),
        );
      }
      if (device.code) actions.append(button('Show code', 'hub-show-code', () => showCode(device.code, device), 'ghost'));
      actions.append(
        button('Lost/stolen', 'hub-lost', async () => {
          if (!confirm(`Mark ${device.email}'s phone lost or stolen? Its line stops working at once.`)) return;
          const view = await act(() => api(`/org/devices/${enc(device.id)}/lost`, { method: 'POST', body: {} }));
          if (view) render(view);
        }),
        button('Delete', 'hub-delete', async () => {
          if (!confirm(`Delete ${device.email}'s Webex Go device? Its license returns to the pool.`)) return;
          const view = await act(() => api(`/org/devices/${enc(device.id)}`, { method: 'DELETE' }));
          if (view) render(view);
        }, 'danger'),
      );
      row.append(
        cell(`${device.displayName} (${device.email})`),
        status,
        cell(`${device.connectionStatus} / ${device.activationState}`),
        cell(device.lastSeen ? new Date(device.lastSeen).toLocaleString() : '—'),
        actions,
      );
      return row;
    }),
  );
}

export async function loadControlHub() {
  const view = await act(() => api('/org'));
  if (view) render(view);
}

hub.addForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = hub.addPerson.value;
  if (!email) return;
  const view = await act(() => api('/org/devices', { method: 'POST', body: { email } }));
  if (view) render(view);
});
