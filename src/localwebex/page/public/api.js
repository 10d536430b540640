// The page's JSON API: answers are data, refusals arrive as sentences (thrown as Errors).

export async function api(path, options = {}) {
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

/** Sends a file as the request body (the server reads the rest from the query); answers like `api`. */
export async function upload(path, file) {
  let res;
  try {
    res = await fetch(`/local/api${path}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file });
  } catch {
    throw new Error('The local Webex server does not answer. Is it running?');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `The server answered HTTP ${res.status}.`);
  return data;
}

export const enc = encodeURIComponent;
