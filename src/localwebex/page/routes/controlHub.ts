/**
 * The simulated Control Hub: the org admin's view of the local org's Webex Go devices and
 * license pool, and the actions Control Hub offers where Webex has no public API (add a device,
 * generate a new activation code, Lost/stolen) besides Delete. A generated code is shown here,
 * where an admin copies it from (to `deliver` it privately through the bot).
 */
import express, { type Router } from 'express';
import type { FakeWebex } from '../../fakeWebex.js';
import { OrgRefusal, type IssuedCode } from '../../org/simulatedOrg.js';
import { jsonBody, PageError, param, requirePerson, stringField } from '../http.js';

export interface OrgDeviceView {
  id: string;
  email: string;
  displayName: string;
  connectionStatus: string;
  activationState: string;
  lastSeen: string | null;
  /** The code that can still be redeemed, as Control Hub shows it after generating it. */
  code: IssuedCode | null;
}

export interface ControlHubView {
  smdpAddress: string;
  licenses: Array<{ name: string; totalUnits: number; consumedUnits: number }>;
  devices: OrgDeviceView[];
  /** People who could get a device (no device yet). */
  candidates: Array<{ email: string; displayName: string }>;
}

export function controlHubRoutes(fake: FakeWebex): Router {
  const api = express.Router();
  const { org } = fake;

  const view = (): ControlHubView => {
    const devices = org.devices().map((d): OrgDeviceView => {
      const person = fake.personById(d.personId);
      return {
        id: d.id,
        email: person?.emails[0] ?? '',
        displayName: person?.displayName ?? d.displayName,
        connectionStatus: d.connectionStatus,
        activationState: d.activationState,
        lastSeen: d.lastSeen ?? null,
        code: org.currentCode(d.id) ?? null,
      };
    });
    const owners = new Set(org.devices().map((d) => d.personId));
    return {
      smdpAddress: org.smdpAddress,
      licenses: org.licenses().map(({ name, totalUnits, consumedUnits }) => ({ name, totalUnits, consumedUnits })),
      devices,
      candidates: fake
        .people()
        .filter((p) => !owners.has(p.id))
        .map((p) => ({ email: p.emails[0]!, displayName: p.displayName })),
    };
  };

  /** Control Hub's refusals are the page's. */
  const act = <T>(action: () => T): T => {
    try {
      return action();
    } catch (error) {
      if (error instanceof OrgRefusal) throw new PageError(error.status, error.message);
      throw error;
    }
  };

  api.get('/org', (_req, res) => {
    res.json(view());
  });
  api.post('/org/devices', (req, res) => {
    const person = requirePerson(fake, stringField(jsonBody(req), 'email'));
    act(() => org.addDevice(person.id, person.displayName));
    res.json(view());
  });
  api.post('/org/devices/:id/code', (req, res) => {
    const code = act(() => org.generateCode(param(req, 'id')));
    res.json({ code, org: view() });
  });
  api.post('/org/devices/:id/lost', (req, res) => {
    act(() => org.markLost(param(req, 'id')));
    res.json(view());
  });
  api.delete('/org/devices/:id', (req, res) => {
    act(() => org.deleteDevice(param(req, 'id')));
    res.json(view());
  });
  return api;
}
