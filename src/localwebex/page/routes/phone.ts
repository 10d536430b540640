/**
 * Each person's phone: it redeems an activation code at the eSIM server, then switches its
 * Webex Go line off/on or removes it. Which server: the one the code names. A code naming the
 * local org's SM-DP+ (generated in the simulated Control Hub) is redeemed there, and that line's
 * later events go there too; any other code goes over HTTP to the bot's eSIM endpoints, with the
 * bearer token that never reaches the browser.
 */
import express, { type Router } from 'express';
import type { FakeWebex } from '../../fakeWebex.js';
import type { Phone, PhoneAnswer } from '../../types.js';
import { jsonBody, PageError, param, requirePerson, stringField } from '../http.js';
import { phoneView } from '../views.js';
import { OrgRefusal } from '../../org/simulatedOrg.js';

const MAX_CODE_LENGTH = 512;

export interface EsimServer {
  /** e.g. `http://127.0.0.1:3000/esim/v1` (no trailing slash needed). */
  baseUrl: string;
  /** Bearer token the eSIM endpoints expect; used server-side only. */
  token: string;
  /** How long a call may take. */
  timeoutMs: number;
}

export function phoneRoutes(fake: FakeWebex, esim: EsimServer): Router {
  const api = express.Router();
  const esimBase = esim.baseUrl.replace(/\/+$/, '');

  const callEsim = async (
    action: PhoneAnswer['action'],
    path: '/download' | '/events',
    payload: Record<string, string>,
  ): Promise<PhoneAnswer> => {
    const at = new Date().toISOString();
    let res: globalThis.Response;
    try {
      res = await fetch(`${esimBase}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${esim.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(esim.timeoutMs),
      });
    } catch (error) {
      const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${esim.timeoutMs / 1000} s` : String((error as Error)?.message ?? error);
      return { action, ok: false, error: `The phone could not reach the eSIM server at ${esimBase}: ${why}.`, at };
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: reported below by status.
    }
    const answer: PhoneAnswer = { action, ok: res.ok, httpStatus: res.status, at };
    if (typeof json.status === 'string') answer.status = json.status;
    if (typeof json.iccid === 'string') answer.iccid = json.iccid;
    if (typeof json.reason === 'string') answer.reason = json.reason;
    if (!res.ok) {
      answer.error = typeof json.error === 'string' ? json.error : `The eSIM server answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}.`;
    } else if (action === 'install' && answer.iccid === undefined) {
      answer.ok = false;
      answer.error = 'The eSIM server accepted the code but sent no ICCID.';
    }
    return answer;
  };

  /** The same conversation with the local org's SM-DP+, in-process. */
  const callOrg = (action: PhoneAnswer['action'], act: () => { iccid?: string; status: string }): PhoneAnswer => {
    const at = new Date().toISOString();
    try {
      const { iccid, status } = act();
      return { action, server: 'org', ok: true, httpStatus: 200, status, ...(iccid ? { iccid } : {}), at };
    } catch (error) {
      if (!(error instanceof OrgRefusal)) throw error;
      return { action, server: 'org', ok: false, httpStatus: error.status, error: error.message, ...(error.reason ? { reason: error.reason } : {}), at };
    }
  };

  api.get('/phones/:email', (req, res) => {
    const person = requirePerson(fake, param(req, 'email'));
    res.json(phoneView(fake, person.emails[0]!));
  });

  /** The phone redeems an activation code at the eSIM server; on success it holds the line. */
  api.post('/phones/:email/install', async (req, res) => {
    const person = requirePerson(fake, param(req, 'email'));
    const email = person.emails[0]!;
    const code = stringField(jsonBody(req), 'activationCode');
    if (code.length > MAX_CODE_LENGTH) throw new PageError(400, 'That is far too long for an activation code.');
    const current = fake.phone(email);
    if (current?.line) {
      throw new PageError(409, `This phone already has a Webex Go line (ICCID ${current.line.iccid}). Remove it first, or start with a new phone.`);
    }
    const fromOrg = fake.org.issues(code);
    const answer = fromOrg
      ? callOrg('install', () => {
          const { iccid, device } = fake.org.redeem(code);
          return { iccid, status: device.connectionStatus };
        })
      : await callEsim('install', '/download', { activationCode: code });
    const state: Omit<Phone, 'email' | 'updated'> = { lastAnswer: answer };
    if (answer.ok && answer.iccid) state.line = { iccid: answer.iccid, enabled: true, installedAt: answer.at, ...(fromOrg ? { provider: 'org' as const } : {}) };
    fake.setPhone(email, state);
    res.json({ phone: phoneView(fake, email), answer });
  });

  /**
   * The user switches the line on/off or removes it. The phone does what the user asked
   * whatever the server answers (it is the user's phone); the answer is shown.
   */
  api.post('/phones/:email/events', async (req, res) => {
    const person = requirePerson(fake, param(req, 'email'));
    const email = person.emails[0]!;
    const event = stringField(jsonBody(req), 'event');
    if (event !== 'enabled' && event !== 'disabled' && event !== 'deleted') {
      throw new PageError(400, '"event" must be "enabled", "disabled" or "deleted".');
    }
    const line = fake.phone(email)?.line;
    if (!line) throw new PageError(409, 'This phone has no Webex Go line.');
    const answer =
      line.provider === 'org'
        ? callOrg(event, () => ({ status: fake.org.phoneEvent(line.iccid, event).connectionStatus }))
        : await callEsim(event, '/events', { iccid: line.iccid, event });
    const state: Omit<Phone, 'email' | 'updated'> = { lastAnswer: answer };
    if (event !== 'deleted') state.line = { ...line, enabled: event === 'enabled' };
    fake.setPhone(email, state);
    res.json({ phone: phoneView(fake, email), answer });
  });

  /** A new, empty phone (the old one was lost or replaced): forgets the line without telling the server. */
  api.post('/phones/:email/replace', (req, res) => {
    const person = requirePerson(fake, param(req, 'email'));
    fake.setPhone(person.emails[0]!, {});
    res.json({ phone: phoneView(fake, person.emails[0]!) });
  });

  return api;
}
