/** A sinon fake of the org's admin APIs (`OrgAdmin`), answering as a small org would. */
import sinon, { type SinonStub } from 'sinon';
import { OrgMode } from '../../src/bot/org.js';
import {
  ORG_CAPABILITIES,
  type CapabilityState,
  type OrgAdmin,
  type OrgCallingDevice,
  type OrgCapability,
  type OrgDevice,
  type OrgFailure,
  type OrgLicense,
  type OrgPerson,
} from '../../src/bot/orgPorts.js';
import { DEFAULT_ORG_STATUS_MAP } from '../../src/domain/org.js';
import { fakePersonId } from '../support/botFakes.js';

export interface FakeOrgAdmin extends OrgAdmin {
  webexGoDevices: SinonStub<[], Promise<OrgDevice[]>>;
  webexGoDevicesOf: SinonStub<[string], Promise<OrgDevice[]>>;
  callingDevicesOf: SinonStub<[string], Promise<OrgCallingDevice[]>>;
  deleteDevice: SinonStub<[string], Promise<void>>;
  webexGoLicenses: SinonStub<[], Promise<OrgLicense[]>>;
  personByEmail: SinonStub<[string], Promise<OrgPerson | undefined>>;
  people: SinonStub<[readonly string[]], Promise<OrgPerson[]>>;
  preferredLanguage: SinonStub<[string], Promise<string | undefined>>;
  requestActivationCode: SinonStub<[string], Promise<{ code: string; expiryTime?: string }>>;
  capabilities: SinonStub<[], Promise<Record<OrgCapability, CapabilityState>>>;
  requestCount: SinonStub<[], number>;
}

/** An error as the org adapter throws it. */
export function orgError(failure: OrgFailure, message: string): Error {
  return Object.assign(new Error(message), { orgFailure: failure });
}

export const person = (email: string, displayName?: string): OrgPerson => ({
  id: fakePersonId(email),
  emails: [email],
  ...(displayName ? { displayName } : {}),
});

export function goDevice(email: string, connectionStatus: string | undefined, overrides: Partial<OrgDevice> = {}): OrgDevice {
  return {
    id: `go-${email}`,
    personId: fakePersonId(email),
    product: 'Webex Go',
    type: 'webexgo',
    ...(connectionStatus ? { connectionStatus } : {}),
    created: '2026-11-01T08:00:00.000Z',
    firstSeen: '2026-11-01T09:00:00.000Z',
    lastSeen: '2026-11-26T08:55:00.000Z',
    ...overrides,
  };
}

export const GO_LICENSE: OrgLicense = { id: 'lic-go', name: 'Webex Go Business', totalUnits: 50, consumedUnits: 3, subscriptionId: 'sub-1' };

/**
 * An org of `devices` whose people are `people` (by email); every call answers from them unless a
 * test makes a stub reject.
 */
export function fakeOrgAdmin(devices: OrgDevice[] = [], people: OrgPerson[] = []): FakeOrgAdmin {
  const byId = () => new Map(people.map((p) => [p.id, p]));
  return {
    webexGoDevices: sinon.stub<[], Promise<OrgDevice[]>>().callsFake(async () => devices),
    webexGoDevicesOf: sinon.stub<[string], Promise<OrgDevice[]>>().callsFake(async (id) => devices.filter((d) => d.personId === id)),
    callingDevicesOf: sinon.stub<[string], Promise<OrgCallingDevice[]>>().resolves([]),
    deleteDevice: sinon.stub<[string], Promise<void>>().resolves(),
    webexGoLicenses: sinon.stub<[], Promise<OrgLicense[]>>().resolves([GO_LICENSE]),
    personByEmail: sinon.stub<[string], Promise<OrgPerson | undefined>>().callsFake(async (email) => people.find((p) => p.emails.includes(email))),
    people: sinon.stub<[readonly string[]], Promise<OrgPerson[]>>().callsFake(async (ids) => ids.map((id) => byId().get(id)).filter((p): p is OrgPerson => Boolean(p))),
    preferredLanguage: sinon.stub<[string], Promise<string | undefined>>().resolves(undefined),
    requestActivationCode: sinon
      .stub<[string], Promise<{ code: string; expiryTime?: string }>>()
      .rejects(orgError('refused', 'Webex answered 400: "Model ESIM is not supported for activation codes."')),
    capabilities: sinon
      .stub<[], Promise<Record<OrgCapability, CapabilityState>>>()
      .resolves(Object.fromEntries(ORG_CAPABILITIES.map((c) => [c, { available: true }])) as Record<OrgCapability, CapabilityState>),
    requestCount: sinon.stub<[], number>().returns(0),
  };
}

export function orgMode(admin: OrgAdmin, clock: () => Date, options: Partial<OrgMode['options']> = {}): OrgMode {
  return new OrgMode(admin, { statusMap: DEFAULT_ORG_STATUS_MAP, activationReadsPerSync: 20, languageReadsPerSync: 20, tryActivationCodeApi: false, ...options }, clock);
}
