/**
 * The org's Webex admin APIs, served offline from the simulated org with the public shapes
 * (field names and types as in Webex's OpenAPI examples; test/fixtures/webexAdmin holds them):
 *
 *   GET    /v1/devices                       type, personId, connectionStatus, displayName, max, start; `Link` paging
 *   GET    /v1/devices/{id}
 *   DELETE /v1/devices/{id}                  204
 *   POST   /v1/devices/activationCode        {personId | workspaceId, model}; refused for the ESIM model
 *   GET    /v1/telephony/config/people/{personId}/devices
 *   GET    /v1/telephony/config/supportedDevices   type
 *   GET    /v1/licenses
 *   GET    /v1/people, /v1/people/{id}       for an org admin token (a bot token falls through to the bot's API)
 *   GET    /identity/scim/{orgId}/v2/Users/{userId}   the identity service's user (SCIM 2), by UUIDs; `preferredLanguage`
 *   POST   /v1/access_token                  grant_type=refresh_token, for a configured Service App
 *
 * Auth: the org admin token, or a token this API issued to the Service App and that has not
 * expired; 401 otherwise. Each route needs a scope; `failNext` makes requests needing a scope (or
 * on a path) fail: 403 for a missing scope, 429 with `Retry-After`, a 5xx.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Fault, RequestRecord } from '../rest.js';
import type { Person } from '../types.js';
import { ORG_SCOPES, uuidOfHydraId } from '../../webex/org/orgAdmin.js';
import { hydraId } from '../ids.js';
import { ESIM_MODEL, OrgRefusal, WEBEX_GO_PRODUCT, type SimulatedDevice, type SimulatedOrg } from './simulatedOrg.js';

export interface PeopleDirectory {
  people(): Person[];
  person(email: string): Person | undefined;
  personById(id: string): Person | undefined;
}

export interface ServiceAppSettings {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** `expires_in` of the tokens issued; default 3,600 (an hour, as Webex's examples). */
  accessTokenLifetimeSeconds?: number;
}

export interface OrgAdminApiOptions {
  org: SimulatedOrg;
  directory: PeopleDirectory;
  orgId: () => string;
  /** The admin's token; without it only Service App tokens are accepted. */
  adminToken?: string;
  serviceApp?: ServiceAppSettings;
  now?: () => number;
  /** Told of every request the admin API handles, like the bot's API tells FakeWebex.requests. */
  record?: (request: RequestRecord) => void;
  /** FakeWebex.failNext's rules, which then apply to admin paths too. */
  takeFault?: (method: string, path: string) => Fault | undefined;
}

export interface OrgFaultRule {
  /** Requests needing this scope fail (`spark-admin:devices_read`, …). */
  scope?: string;
  /** Or requests whose path (under /v1) starts with this. */
  path?: string;
  status: number;
  retryAfterSeconds?: number;
  /** How many requests fail; default 1, `Infinity` until `clearFaults()`. */
  times?: number;
}

const UNAUTHORIZED = 'The request requires a valid access token set in the Authorization request header.';
const DEVICE_DEFAULT_MAX = 100;
const PEOPLE_DEFAULT_MAX = 100;
const MAX_PEOPLE_IDS = 85;


class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendError(res: Response, status: number, message: string): void {
  res.status(status).json({ message, errors: [{ description: message }], trackingId: res.get('trackingid') });
}

export class OrgAdminApi {
  readonly router: Router;
  private requests = 0;
  private readonly faults: Array<OrgFaultRule & { times: number }> = [];
  /** Service App tokens issued, with when each expires. */
  private readonly issued = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: OrgAdminApiOptions) {
    this.now = options.now ?? Date.now;
    this.router = this.routes();
  }

  /** Requests the admin API answered (any status), for budgets and benchmarks. */
  requestCount(): number {
    return this.requests;
  }

  failNext(rule: OrgFaultRule): void {
    this.faults.push({ ...rule, times: rule.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  private acceptsToken(req: Request): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization')?.trim() ?? '');
    const token = match?.[1];
    if (token === undefined) return false;
    if (token === this.options.adminToken) return true;
    const expiresAt = this.issued.get(token);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  private takeFault(scope: string, path: string): (OrgFaultRule & { status: number }) | undefined {
    const index = this.faults.findIndex((f) => (f.scope !== undefined && f.scope === scope) || (f.path !== undefined && path.startsWith(f.path)));
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private routes(): Router {
    const { org, directory } = this.options;
    const v1 = express.Router();

    /** Token, then injected faults, then the handler; everything counted. */
    const guarded =
      (scope: string, handler: (req: Request, res: Response) => void) =>
      (req: Request, res: Response, next: NextFunction): void => {
        this.requests += 1;
        const entry: RequestRecord = { method: req.method, path: `${req.baseUrl}${req.path}`, query: { ...req.query }, ...(req.body === undefined ? {} : { body: req.body }) };
        res.on('finish', () => {
          entry.status = res.statusCode;
        });
        this.options.record?.(entry);
        res.set('trackingid', `ADMIN_${randomUUID()}`);
        if (!this.acceptsToken(req)) return sendError(res, 401, UNAUTHORIZED);
        const fault = this.takeFault(scope, entry.path) ?? this.options.takeFault?.(req.method, entry.path);
        if (fault?.status === 'hang') return;
        if (fault) {
          if (fault.retryAfterSeconds !== undefined) res.set('retry-after', String(fault.retryAfterSeconds));
          const message =
            fault.status === 403
              ? `The access token is missing the required scope: ${scope}.`
              : fault.status === 429
                ? 'Too many requests. Please retry after the time given in Retry-After.'
                : `Injected failure ${fault.status}.`;
          return sendError(res, fault.status, message);
        }
        try {
          handler(req, res);
        } catch (error) {
          next(error);
        }
      };

    // ------------------------------------------------------------ devices
    v1.get(
      '/devices',
      guarded(ORG_SCOPES.devicesRead, (req, res) => {
        const q = queryStrings(req);
        if (q.type !== undefined && !['roomdesk', 'phone', 'accessory', 'webexgo', 'unknown'].includes(q.type)) {
          throw new ApiError(400, `Invalid type: ${q.type}.`);
        }
        const max = positiveInteger(q.max, DEVICE_DEFAULT_MAX, 'max');
        const start = q.start === undefined ? 0 : nonNegativeInteger(q.start, 'start');
        // Only Webex Go devices exist in the simulated org: any other type lists nothing.
        const matching = (q.type === undefined || q.type === 'webexgo' ? org.devices() : [])
          .filter((d) => q.personId === undefined || d.personId === q.personId)
          .filter((d) => q.connectionStatus === undefined || d.connectionStatus === q.connectionStatus)
          .filter((d) => q.displayName === undefined || d.displayName === q.displayName);
        if (start + max < matching.length) {
          const next = new URLSearchParams(q);
          next.set('start', String(start + max));
          res.set('link', `<${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}?${next}>; rel="next"`);
        }
        res.json({ items: matching.slice(start, start + max).map((d) => this.deviceJson(d)) });
      }),
    );
    v1.post(
      '/devices/activationCode',
      express.json({ limit: '16kb' }),
      guarded(ORG_SCOPES.devicesWrite, (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const personId = typeof body.personId === 'string' ? body.personId : undefined;
        const workspaceId = typeof body.workspaceId === 'string' ? body.workspaceId : undefined;
        if ((personId === undefined) === (workspaceId === undefined)) throw new ApiError(400, 'Either personId or workspaceId is required.');
        if (typeof body.model !== 'string' || body.model === '') throw new ApiError(400, 'model is required.');
        if (personId !== undefined && !directory.personById(personId)) throw new ApiError(404, 'Person not found.');
        // Undocumented for Webex Go: the simulated org refuses it, as a real org may, with a Webex-style body.
        if (body.model === ESIM_MODEL) {
          throw new ApiError(400, `Activation codes cannot be generated for the device model ${ESIM_MODEL}. Use Control Hub to generate a Webex Go activation code.`);
        }
        const code = Array.from(randomBytes(16), (b) => String(b % 10)).join('');
        res.json({ code, expiryTime: new Date(this.now() + 7 * 24 * 60 * 60_000).toISOString() });
      }),
    );
    v1.get(
      '/devices/:deviceId',
      guarded(ORG_SCOPES.devicesRead, (req, res) => {
        const device = org.device(String(req.params.deviceId));
        if (!device) throw new ApiError(404, 'The requested device could not be found.');
        res.json(this.deviceJson(device));
      }),
    );
    v1.delete(
      '/devices/:deviceId',
      guarded(ORG_SCOPES.devicesWrite, (req, res) => {
        org.deleteDevice(String(req.params.deviceId));
        res.status(204).end();
      }),
    );

    // ------------------------------------------------------------ Webex Calling
    v1.get(
      '/telephony/config/people/:personId/devices',
      guarded(ORG_SCOPES.telephonyRead, (req, res) => {
        const person = directory.personById(String(req.params.personId));
        if (!person) throw new ApiError(404, 'Person not found.');
        const device = org.deviceOf(person.id);
        res.json({
          devices: device
            ? [
                {
                  id: device.callingDeviceId,
                  // The documentation's example says `descriptions` (its schema `description`): the example's word.
                  descriptions: [],
                  model: ESIM_MODEL,
                  modelType: 'ESIM',
                  displayName: WEBEX_GO_PRODUCT,
                  primaryOwner: true,
                  type: 'PRIMARY',
                  owner: { id: person.id, type: 'PEOPLE', firstName: person.firstName, lastName: person.lastName },
                  activationState: device.activationState,
                },
              ]
            : [],
          maxDeviceCount: 5,
          maxOwnedDeviceCount: 5,
        });
      }),
    );
    v1.get(
      '/telephony/config/supportedDevices',
      guarded(ORG_SCOPES.telephonyRead, (req, res) => {
        const type = queryStrings(req).type;
        const devices = [
          {
            model: ESIM_MODEL,
            displayName: ESIM_MODEL,
            type: 'ESIM',
            manufacturer: 'CISCO',
            managedBy: 'CISCO',
            supportedFor: ['PEOPLE'],
            onboardingMethod: ['ACTIVATION_CODE'],
            allowConfigureLayoutEnabled: false,
            numberOfLinePorts: 1,
            kemSupportEnabled: false,
            upgradeChannelEnabled: false,
          },
          {
            model: 'DMS Cisco 8875',
            displayName: 'Cisco 8875',
            type: 'MPP',
            manufacturer: 'CISCO',
            managedBy: 'CISCO',
            supportedFor: ['PEOPLE', 'PLACE'],
            onboardingMethod: ['MAC_ADDRESS', 'ACTIVATION_CODE'],
            allowConfigureLayoutEnabled: true,
            numberOfLinePorts: 10,
            kemSupportEnabled: true,
            upgradeChannelEnabled: true,
          },
        ].filter((d) => type === undefined || (type.startsWith('not:') ? d.type !== type.slice(4) : d.type === type));
        res.json({ upgradeChannelList: ['STABLE', 'STABLE_DELAY', 'PREVIEW', 'BETA', 'TESTING'], devices });
      }),
    );

    // ------------------------------------------------------------ licenses
    v1.get(
      '/licenses',
      guarded(ORG_SCOPES.licensesRead, (_req, res) => {
        res.json({
          items: org.licenses().map((l) => ({
            id: l.id,
            name: l.name,
            totalUnits: l.totalUnits,
            consumedUnits: l.consumedUnits,
            consumedByUsers: l.consumedUnits,
            consumedByWorkspaces: 0,
            subscriptionId: l.subscriptionId,
            ...(l.siteType ? { siteType: l.siteType } : {}),
          })),
        });
      }),
    );

    // ------------------------------------------------------------ people, as an org admin sees them
    const forAdmins = (handler: ReturnType<typeof guarded>) => (req: Request, res: Response, next: NextFunction) =>
      // Another token (the bot's) is the bot's own API's business.
      this.acceptsToken(req) ? handler(req, res, next) : next();
    v1.get(
      '/people',
      forAdmins(
        guarded(ORG_SCOPES.peopleRead, (req, res) => {
          const q = queryStrings(req);
          if (q.id !== undefined) {
            const ids = q.id.split(',').filter(Boolean);
            if (ids.length > MAX_PEOPLE_IDS) throw new ApiError(400, `id accepts up to ${MAX_PEOPLE_IDS} person IDs.`);
            const items = ids.map((id) => directory.personById(id)).filter((p) => p !== undefined);
            const notFoundIds = ids.filter((id) => !directory.personById(id));
            res.json({ items, notFoundIds });
            return;
          }
          if (q.email !== undefined) {
            const person = directory.person(q.email);
            res.json({ items: person ? [person] : [] });
            return;
          }
          const prefix = q.displayName?.toLowerCase();
          const everyone = directory.people().filter((p) => prefix === undefined || p.displayName.toLowerCase().startsWith(prefix));
          const max = positiveInteger(q.max, PEOPLE_DEFAULT_MAX, 'max');
          const start = q.start === undefined ? 0 : nonNegativeInteger(q.start, 'start');
          if (start + max < everyone.length) {
            const next = new URLSearchParams(q);
            next.set('start', String(start + max));
            res.set('link', `<${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}?${next}>; rel="next"`);
          }
          res.json({ items: everyone.slice(start, start + max) });
        }),
      ),
    );
    v1.get(
      '/people/:personId',
      forAdmins(
        guarded(ORG_SCOPES.peopleRead, (req, res) => {
          if (req.params.personId === 'me') throw new ApiError(404, 'The org admin is not a person of the local Webex.');
          const person = directory.personById(String(req.params.personId));
          if (!person) throw new ApiError(404, 'Person not found.');
          res.json(person);
        }),
      ),
    );

    // ------------------------------------------------------------ Service App token renewal
    v1.post('/access_token', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
      this.requests += 1;
      const app = this.options.serviceApp;
      const form = (req.body ?? {}) as Record<string, unknown>;
      if (form.grant_type !== 'refresh_token') return sendError(res, 400, 'Unsupported grant_type: only refresh_token is served here.');
      if (!app || form.client_id !== app.clientId || form.client_secret !== app.clientSecret || form.refresh_token !== app.refreshToken) {
        return sendError(res, 400, 'The refresh token provided is invalid, expired, or revoked, or the client credentials do not match.');
      }
      const lifetime = app.accessTokenLifetimeSeconds ?? 3600;
      const token = `local_app_${randomBytes(24).toString('hex')}`;
      this.issued.set(token, this.now() + lifetime * 1000);
      res.json({ access_token: token, expires_in: lifetime, refresh_token: app.refreshToken, refresh_token_expires_in: 90 * 24 * 3600, token_type: 'Bearer' });
    });

    // ------------------------------------------------------------ the identity service (SCIM 2 Users)
    const scim = express.Router();
    scim.get(
      '/:orgId/v2/Users/:userId',
      guarded(ORG_SCOPES.identityPeopleRead, (req, res) => {
        // By the UUIDs, as the SCIM documentation's examples show them.
        if (req.params.orgId !== uuidOfHydraId(this.options.orgId())) throw new ApiError(404, 'Organization not found.');
        const person = directory.personById(hydraId('PEOPLE', String(req.params.userId)));
        if (!person || person.type !== 'person') throw new ApiError(404, 'User not found.');
        res.json(this.scimUserJson(person, `${req.protocol}://${req.get('host')}${req.baseUrl}/${req.params.orgId}/v2/Users`));
      }),
    );

    const errors = (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (error instanceof ApiError || error instanceof OrgRefusal) return sendError(res, error.status, error.message);
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) return sendError(res, status, (error as Error).message);
      next(error);
    };
    v1.use(errors);
    scim.use(errors);

    const router = express.Router();
    router.use('/v1', v1);
    router.use('/identity/scim', scim);
    return router;
  }

  /** A person as the identity service's SCIM 2 Users shows them (`users` is the Users endpoint's URL, for `meta.location`). */
  private scimUserJson(person: Person, users: string): Record<string, unknown> {
    const id = uuidOfHydraId(person.id);
    const email = person.emails[0];
    const preferredLanguage = this.options.org.preferredLanguage(person.id);
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id,
      userName: email,
      active: true,
      name: { givenName: person.firstName, familyName: person.lastName },
      displayName: person.displayName,
      nickName: person.nickName,
      emails: [{ value: email, type: 'work', primary: true }],
      userType: 'user',
      ...(preferredLanguage ? { preferredLanguage } : {}),
      meta: { resourceType: 'User', location: `${users}/${id}`, version: 'W/"1"', created: person.created, lastModified: person.created },
    };
  }

  /** A device as `GET /devices` lists it. */
  private deviceJson(device: SimulatedDevice): Record<string, unknown> {
    return {
      id: device.id,
      callingDeviceId: device.callingDeviceId,
      webexDeviceId: device.id,
      displayName: device.displayName,
      personId: device.personId,
      orgId: this.options.orgId(),
      capabilities: [],
      permissions: [],
      connectionStatus: device.connectionStatus,
      product: WEBEX_GO_PRODUCT,
      type: 'webexgo',
      tags: [],
      created: device.created,
      errorCodes: device.errorCodes,
      ...(device.firstSeen ? { firstSeen: device.firstSeen } : {}),
      ...(device.lastSeen ? { lastSeen: device.lastSeen } : {}),
      managedBy: 'CISCO',
      devicePlatform: 'cisco',
    };
  }
}

function queryStrings(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (typeof value === 'string') out[key] = value;
    else if (value !== undefined) throw new ApiError(400, `${key} must be given once.`);
  }
  return out;
}

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ApiError(400, `${name} must be a positive integer.`);
  return n;
}

function nonNegativeInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ApiError(400, `${name} must be a whole number ≥ 0.`);
  return n;
}
