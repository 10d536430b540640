/**
 * The organization's Webex admin APIs (`OrgAdmin` of bot/orgPorts.ts), over fetch, every request
 * through the one outgoing-call policy of `src/net` (Retry-After on 429, backoff, a deadline per
 * try, a POST never sent twice unless Webex surely did not act on it).
 *
 * Budget. A sync costs the device listing plus the people it names:
 * - `webexGoDevices()` pages `GET /devices?type=webexgo` at `DEVICE_PAGE_SIZE` devices a page.
 * - `people(ids)` asks by id, `PEOPLE_IDS_PER_REQUEST` ids a request, for a few ids; for more than
 *   `LIST_PEOPLE_ABOVE`, it lists the org's people instead, `PEOPLE_PAGE_SIZE` a page, and stops as
 *   soon as it has them all. While the pages read so far found fewer wanted people a page than one
 *   by-id request would (85), it asks for the rest by id instead. So it costs ⌈org people / 1,000⌉
 *   requests in an org that is mostly Webex Go users, and at most one page more than by id in any other.
 * 10,000 devices of 10,000 people: 100 + 10 = 110 requests; 50,000 of 50,000: 500 + 50.
 * - `preferredLanguage(personId)` is one request a person (SCIM 2 Users, Webex's identity
 *   service); the sync asks it for a bounded number of people a pass.
 */
import type { CapabilityState, OrgAdmin, OrgCallingDevice, OrgCapability, OrgDevice, OrgLicense, OrgPerson } from '../../bot/orgPorts.js';
import { systemClock, type Clock } from '../../net/clock.js';
import { callWithPolicy, HttpStatusError, isIdempotent, OutgoingCallError, type RetryPolicy } from '../../net/outgoingCall.js';
import { DEFAULT_CDR_BASE_URL, REQUIRED_SCOPE as CDR_SCOPE } from '../callHistory/cdrFeedClient.js';
import { nextLinkTarget } from '../callHistory/paging.js';
import { isObject } from '../callHistory/json.js';
import { webexGoLicensesAmong, type WebexGoLicenseMatch } from './licenseMatch.js';
import { OrgAdminError, orgAdminFailure, type OrgCall } from './orgErrors.js';
import type { OrgTokenSource } from './orgToken.js';
import { listOf, orgCallingDevice, orgDevice, orgLicense, orgPerson } from './shapes.js';

export { OrgAdminError } from './orgErrors.js';

const asObject = (body: unknown): Record<string, unknown> => (isObject(body) ? body : {});

export const DEFAULT_WEBEX_API_BASE = 'https://webexapis.com/v1';
/**
 * Devices a page. The Devices API documents no largest `max`; Webex's list APIs page at 100 by
 * default, and the sync's budget (10,000 devices in ≤ 110 requests) is reckoned at 100. Raise it
 * (`devicePageSize`) once a live org is seen to honour more.
 */
export const DEVICE_PAGE_SIZE = 100;
/** `GET /people?id=`: "Accepts up to 85 person IDs separated by commas" (List People). */
export const PEOPLE_IDS_PER_REQUEST = 85;
/** People a page when listing the org; List People documents no largest `max` (default 100), 1,000 is Webex's usual ceiling. */
export const PEOPLE_PAGE_SIZE = 1000;
/** Above this many ids (three by-id requests), listing the org's people is likely cheaper. */
export const LIST_PEOPLE_ABOVE = 3 * PEOPLE_IDS_PER_REQUEST;

const WEBEX_GO = 'webexgo';
const DEFAULT_POLICY: RetryPolicy = { retries: 4, maxRetryAfterMs: 120_000, backoffMs: 1000, timeoutMs: 30_000, defaultRetryAfterMs: 60_000 };

/** The admin API scopes each call needs (the local Webex checks the same ones). */
export const ORG_SCOPES = {
  devicesRead: 'spark-admin:devices_read',
  devicesWrite: 'spark-admin:devices_write',
  telephonyRead: 'spark-admin:telephony_config_read',
  licensesRead: 'spark-admin:licenses_read',
  peopleRead: 'spark-admin:people_read',
  /** Webex's identity service (SCIM 2 Users), where a person's `preferredLanguage` is. */
  identityPeopleRead: 'identity:people_read',
} as const;

/**
 * How the identity service (SCIM) is given the org and the person. Its documentation's examples
 * use bare UUIDs ("Webex Identity assigned" ids); the People API's ids are base64 of
 * `ciscospark://us/PEOPLE/<uuid>` (and `…/ORGANIZATION/<uuid>`). That the `<uuid>` inside is the
 * SCIM id is how the examples read, not a documented statement (unconfirmed): `uuid` sends it (the
 * default), `hydra` the People API's ids as they are.
 */
export type ScimIds = 'uuid' | 'hydra';
export const SCIM_IDS: readonly ScimIds[] = ['uuid', 'hydra'];

/** The `<uuid>` of a Hydra id (`base64("ciscospark://us/<KIND>/<uuid>")`); anything else as it is. */
export function uuidOfHydraId(id: string): string {
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  return /^ciscospark:\/\/[^/]+\/[A-Z_]+\/([0-9A-Za-z-]+)$/.exec(decoded)?.[1] ?? id;
}

export interface OrgAdminOptions {
  token: OrgTokenSource;
  /**
   * `HYDRA_SERVICE_URL` when set (see `webexApiBaseUrl`), else https://webexapis.com/v1; a function
   * is asked at each request (offline, the local Webex's address is known only once it listens).
   */
  baseUrl?: string | (() => string);
  /** The Detailed Call History API's base, for the `callHistory` capability; Webex's by default. */
  cdrBaseUrl?: string | (() => string | undefined);
  /**
   * Webex's identity service (SCIM 2), for the `language` capability: by default
   * `<the base URL's origin>/identity/scim`, where the SCIM documentation's `meta.location` puts
   * `/{orgId}/v2/Users/{userId}` (the published specs name no server for it).
   */
  scimBaseUrl?: string | (() => string | undefined);
  /** How SCIM is given the org and the person; `uuid` by default (see `ScimIds`). */
  scimIds?: ScimIds;
  licenses?: WebexGoLicenseMatch;
  devicePageSize?: number;
  fetch?: typeof fetch;
  clock?: Clock;
  policy?: RetryPolicy;
  log?: (line: string) => void;
}

interface Answer {
  headers: Headers;
  body: unknown;
}

export function createOrgAdmin(options: OrgAdminOptions): OrgAdmin {
  const resolve = (url: string | (() => string | undefined) | undefined, fallback: string): string =>
    ((typeof url === 'function' ? url() : url) ?? fallback).replace(/\/+$/, '');
  const base = () => resolve(options.baseUrl, DEFAULT_WEBEX_API_BASE);
  const cdrBase = () => resolve(options.cdrBaseUrl, DEFAULT_CDR_BASE_URL);
  const scimBase = () => resolve(options.scimBaseUrl, `${new URL(base()).origin}/identity/scim`);
  const scimId = (id: string) => encodeURIComponent(options.scimIds === 'hydra' ? id : uuidOfHydraId(id));
  const fetchFn = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const policy = options.policy ?? DEFAULT_POLICY;
  const devicePageSize = options.devicePageSize ?? DEVICE_PAGE_SIZE;
  let requests = 0;
  /** The org's id, as the People API names it in every person (one org a token): SCIM's paths need it. */
  let orgId: string | undefined;
  const noteOrg = (item: Record<string, unknown>) => {
    if (orgId === undefined && typeof item.orgId === 'string' && item.orgId !== '') orgId = item.orgId;
  };

  const send = async (call: OrgCall, url: string, method = 'GET', json?: unknown): Promise<Answer> => {
    // Asked once per request, outside the retries: a renewal that fails is not a Webex outage to retry.
    const token = await options.token.accessToken();
    let answer: { headers: Headers; text: string };
    try {
      answer = await callWithPolicy(
        { what: call.what, idempotent: isIdempotent(method), policy, clock, ...(options.log ? { log: options.log } : {}) },
        async (signal) => {
          requests += 1;
          const response = await fetchFn(url, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              ...(json === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(json === undefined ? {} : { body: JSON.stringify(json) }),
            redirect: 'error',
            signal,
          });
          const text = await response.text();
          if (!response.ok) throw new HttpStatusError(response.status, response.headers, text);
          return { headers: response.headers, text };
        },
      );
    } catch (error) {
      if (error instanceof OutgoingCallError) throw orgAdminFailure(call, error, policy.timeoutMs);
      throw error;
    }
    if (answer.text.trim() === '') return { headers: answer.headers, body: undefined };
    try {
      return { headers: answer.headers, body: JSON.parse(answer.text) as unknown };
    } catch (error) {
      throw new OrgAdminError('unavailable', `Webex answered with something other than JSON when asked to ${call.what}.`, { cause: error });
    }
  };

  /**
   * Every page from `first` on, following `Link: rel="next"` on Webex's own origin. A next link
   * back to a page already read fails the listing: stopping there could leave devices out.
   */
  async function* pages(call: OrgCall, first: string): AsyncGenerator<Answer> {
    const origin = new URL(base()).origin;
    const seen = new Set<string>();
    let url = first;
    for (;;) {
      seen.add(url);
      const answer = await send(call, url);
      yield answer;
      const target = nextLinkTarget(answer.headers.get('link'));
      if (target === undefined) return;
      const next = new URL(target, url);
      // The next page gets the token: only Webex's own host may have it.
      if (next.origin !== origin) throw new OrgAdminError('unavailable', `Webex's next page to ${call.what} points at another host (${next.host}): not followed.`);
      if (seen.has(next.href)) throw new OrgAdminError('unavailable', `Webex's pages to ${call.what} lead back to a page already read: the listing is not complete.`);
      url = next.href;
    }
  }

  const query = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

  const listDevices = async (call: OrgCall, params: Record<string, string | number>): Promise<OrgDevice[]> => {
    const devices: OrgDevice[] = [];
    for await (const page of pages(call, `${base()}/devices?${query({ type: WEBEX_GO, ...params, max: devicePageSize })}`)) {
      for (const item of listOf(page.body)) {
        const device = orgDevice(item, WEBEX_GO);
        if (device) devices.push(device);
      }
    }
    return devices;
  };

  const peopleByIds = async (ids: readonly string[]): Promise<OrgPerson[]> => {
    const found: OrgPerson[] = [];
    for (let i = 0; i < ids.length; i += PEOPLE_IDS_PER_REQUEST) {
      const batch = ids.slice(i, i + PEOPLE_IDS_PER_REQUEST);
      const answer = await send({ what: `look up ${batch.length} people by id`, scope: ORG_SCOPES.peopleRead }, `${base()}/people?${query({ id: batch.join(',') })}`);
      for (const item of listOf(answer.body)) {
        noteOrg(item);
        const person = orgPerson(item);
        if (person) found.push(person);
      }
    }
    return found;
  };

  const peopleCall: OrgCall = { what: 'look up a person by id', scope: ORG_SCOPES.peopleRead };
  const languageCall: OrgCall = { what: "read a person's language from Webex's identity service", scope: ORG_SCOPES.identityPeopleRead };
  /** A 404 of the person or their SCIM user: Webex does not know them (`found: false`), not a failure. */
  const scimUser = async (personId: string): Promise<{ found: false } | { found: true; preferredLanguage?: string }> => {
    try {
      if (orgId === undefined) noteOrg(asObject((await send(peopleCall, `${base()}/people/${encodeURIComponent(personId)}`)).body));
      if (orgId === undefined) throw new OrgAdminError('unavailable', "Webex named no organization for the person, which its identity service's paths need.");
      const answer = await send(languageCall, `${scimBase()}/${scimId(orgId)}/v2/Users/${scimId(personId)}`);
      const value = asObject(answer.body).preferredLanguage;
      return typeof value === 'string' && value.trim() !== '' ? { found: true, preferredLanguage: value.trim() } : { found: true };
    } catch (error) {
      if (error instanceof OrgAdminError && error.httpStatus === 404) return { found: false };
      throw error;
    }
  };

  const licensesCall: OrgCall = { what: "list the org's licenses", scope: ORG_SCOPES.licensesRead };
  const listLicenses = async (): Promise<OrgLicense[]> => {
    const licenses: OrgLicense[] = [];
    for await (const page of pages(licensesCall, `${base()}/licenses`)) {
      for (const item of listOf(page.body)) {
        const license = orgLicense(item);
        if (license) licenses.push(license);
      }
    }
    return licenses;
  };

  return {
    webexGoDevices: () => listDevices({ what: "list the org's Webex Go devices", scope: ORG_SCOPES.devicesRead }, {}),

    webexGoDevicesOf: (personId) => listDevices({ what: "list a person's Webex Go devices", scope: ORG_SCOPES.devicesRead }, { personId }),

    async callingDevicesOf(personId): Promise<OrgCallingDevice[]> {
      const answer = await send(
        { what: "read a person's calling devices", scope: ORG_SCOPES.telephonyRead },
        `${base()}/telephony/config/people/${encodeURIComponent(personId)}/devices`,
      );
      return listOf(answer.body, 'devices')
        .map(orgCallingDevice)
        .filter((device) => device !== undefined);
    },

    async deleteDevice(deviceId) {
      await send({ what: 'delete the device', scope: ORG_SCOPES.devicesWrite }, `${base()}/devices/${encodeURIComponent(deviceId)}`, 'DELETE');
    },

    async webexGoLicenses() {
      return webexGoLicensesAmong(await listLicenses(), options.licenses);
    },

    async personByEmail(email) {
      const answer = await send({ what: 'look up a person by email', scope: ORG_SCOPES.peopleRead }, `${base()}/people?${query({ email })}`);
      const items = listOf(answer.body);
      items.forEach(noteOrg);
      return items.map(orgPerson).find((p) => p !== undefined);
    },

    async preferredLanguage(personId) {
      const user = await scimUser(personId);
      return user.found ? user.preferredLanguage : undefined;
    },

    async people(ids) {
      const wanted = [...new Set(ids.filter((id) => id !== ''))];
      if (wanted.length <= LIST_PEOPLE_ABOVE) return peopleByIds(wanted);
      const missing = new Set(wanted);
      const found: OrgPerson[] = [];
      let pagesRead = 0;
      const call = { what: "list the org's people", scope: ORG_SCOPES.peopleRead };
      for await (const page of pages(call, `${base()}/people?${query({ max: PEOPLE_PAGE_SIZE })}`)) {
        pagesRead += 1;
        for (const item of listOf(page.body)) {
          noteOrg(item);
          const person = orgPerson(item);
          if (person && missing.delete(person.id)) found.push(person);
        }
        // Done, or the listing finds fewer of them a page than a by-id request would: ids for the rest.
        if (missing.size === 0 || found.length < pagesRead * PEOPLE_IDS_PER_REQUEST) break;
      }
      if (missing.size > 0) found.push(...(await peopleByIds([...missing])));
      return found;
    },

    async requestActivationCode(personId) {
      const supported = await send(
        { what: 'list the eSIM models Webex supports', scope: ORG_SCOPES.telephonyRead },
        `${base()}/telephony/config/supportedDevices?${query({ type: 'ESIM' })}`,
      );
      // Only a model Webex itself types ESIM: never another model in its place.
      const esim = listOf(supported.body, 'devices').find((d) => d.type === 'ESIM' && typeof d.model === 'string' && d.model !== '');
      if (!esim) throw new OrgAdminError('refused', 'Webex lists no eSIM (ESIM) model for this org, so there is no model to ask an activation code for.');
      const answer = await send({ what: 'create an activation code', scope: ORG_SCOPES.devicesWrite }, `${base()}/devices/activationCode`, 'POST', {
        personId,
        model: esim.model,
      });
      const body = isObject(answer.body) ? answer.body : {};
      if (typeof body.code !== 'string' || body.code === '') {
        throw new OrgAdminError('unavailable', 'Webex answered the activation code request without a code.');
      }
      return { code: body.code, ...(typeof body.expiryTime === 'string' ? { expiryTime: body.expiryTime } : {}) };
    },

    async capabilities() {
      // A 401, or a Service App token Webex would not renew: the token itself, whichever read found it.
      let tokenRefused: OrgAdminError | undefined;
      const probe = async (call: OrgCall, url: string, accept: (status: number) => boolean = () => false): Promise<CapabilityState> => {
        try {
          await send(call, url);
          return { available: true };
        } catch (error) {
          if (!(error instanceof OrgAdminError)) throw error;
          if (error.httpStatus !== undefined && accept(error.httpStatus)) return { available: true };
          if (error.orgFailure === 'unauthorized') tokenRefused ??= error;
          return { available: false, reason: error.message, ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }) };
        }
      };
      // The cheapest read of the call history: one record of a minute that is surely available (5 minutes to 30 days old).
      const end = clock.now() - 10 * 60_000;
      const cdrQuery = query({ startTime: new Date(end - 60_000).toISOString(), endTime: new Date(end).toISOString(), max: 1 });
      /**
       * One person the People API lists, read back from the identity service: its scope, the
       * ids' form and its address at once. Not found: the reads would find nobody (see ScimIds).
       * A refusal there (401 too: the identity service may judge a token on its own) is this
       * capability's alone.
       */
      const language = async (): Promise<CapabilityState> => {
        try {
          const someone = listOf((await send({ what: "list the org's people", scope: ORG_SCOPES.peopleRead }, `${base()}/people?${query({ max: 1 })}`)).body)[0];
          if (typeof someone?.id !== 'string') return { available: true, note: 'not checked: Webex lists no person to read' };
          noteOrg(someone);
          if ((await scimUser(someone.id)).found) return { available: true };
          return {
            available: true,
            note: `not confirmed: Webex's identity service did not find a person the People API lists, by ${options.scimIds === 'hydra' ? 'their person id' : 'the UUID in their person id'}`,
          };
        } catch (error) {
          if (!(error instanceof OrgAdminError)) throw error;
          return { available: false, reason: error.message, ...(error.httpStatus === undefined || error.httpStatus === 401 ? {} : { httpStatus: error.httpStatus }) };
        }
      };
      const [status, licenses, callHistory, languageState] = await Promise.all([
        probe({ what: "list the org's Webex Go devices", scope: ORG_SCOPES.devicesRead }, `${base()}/devices?${query({ type: WEBEX_GO, max: 1 })}`),
        probe(licensesCall, `${base()}/licenses`),
        // 451: the token was accepted and the org's records live in another region, which the pull follows.
        probe({ what: 'read the Detailed Call History', scope: CDR_SCOPE }, `${cdrBase()}/cdr_feed?${cdrQuery}`, (s) => s === 451),
        language(),
      ]);
      const states: Record<OrgCapability, CapabilityState> = {
        status,
        // Webex has no dry run for DELETE /devices/{id}, and nothing tells a token's scopes: the first delete will tell.
        delete: status.available
          ? { available: true, note: `not checked until the first delete: Webex has no dry run; it needs ${ORG_SCOPES.devicesWrite}` }
          : { available: false, reason: 'Deleting needs the device listing (status), which is not available.' },
        licenses,
        callHistory,
        language: languageState,
      };
      if (tokenRefused) {
        const { httpStatus } = tokenRefused;
        const reason = httpStatus === 401 ? 'Webex refused the org token itself (401): it has expired or was revoked.' : tokenRefused.message;
        for (const capability of Object.keys(states) as OrgCapability[]) {
          states[capability] = { available: false, reason, ...(httpStatus === undefined ? {} : { httpStatus }) };
        }
      }
      return states;
    },

    requestCount: () => requests,
  };
}
