/**
 * Every card the bot sends, built by the same view functions the bot uses, over data that covers
 * each branch of each template (every status, notices, empty and paged lists, user text that looks
 * like markdown). The card tests validate all of them; no sample is written by hand.
 */
import { crossCheck } from '../../src/calls/index.js';
import { callsCard } from '../../src/bot/callsReport.js';
import type { OutgoingMessage } from '../../src/bot/ports.js';
import {
  confirmCard,
  deviceCard,
  devicesCard,
  handoverCard,
  licensesCard,
  noticeCard,
  reminderCard,
  settingsCard,
} from '../../src/bot/views.js';
import type { CardName } from '../../src/render/cards/cardData.js';
import { LANGUAGES, type ActivationDetails, type DeviceStatus, type DeviceView, type Language } from '../../src/domain/types.js';
import { adminText } from '../../src/render/messages/adminText.js';
import { callsText } from '../../src/render/messages/callsText.js';
import { orgText } from '../../src/render/messages/orgText.js';
import { watchText } from '../../src/render/messages/watchText.js';
import { analyse, fixture, ok } from '../calls/helpers.js';
import { DEFAULT_SETTINGS } from './domain.js';


export interface CardSample {
  template: CardName;
  label: string;
  lang: Language;
  message: OutgoingMessage;
}

const AT = '2026-11-26T09:00:00.000Z';

export function sampleDevice(email: string, status: DeviceStatus, overrides: Partial<DeviceView> = {}): DeviceView {
  return {
    id: `dev-${email}`,
    email,
    status,
    indicator: status === 'online' ? 'green' : status === 'offline' ? 'red' : status === 'unknown' ? 'none' : 'grey',
    statusSince: AT,
    createdAt: AT,
    lastChange: { at: AT, cause: status === 'pending' ? 'assigned' : status === 'online' ? 'downloaded' : 'disabled', by: status === 'pending' ? 'admin@example.com' : 'phone' },
    canGenerateCode: status === 'pending',
    ...(status === 'pending' ? { code: { issuedAt: AT, expiresAt: '2027-02-24T09:00:00.000Z', expired: false } } : {}),
    ...overrides,
  };
}

/** A device of the org, as a sync stores it. */
export function orgDevice(email: string, status: DeviceStatus, org: Partial<NonNullable<DeviceView['org']>> = {}): DeviceView {
  return sampleDevice(email, status, {
    id: `go-${email}`,
    lastChange: { at: AT, cause: 'org-status', by: 'webex' },
    canGenerateCode: status === 'pending',
    code: undefined,
    org: { personId: `person-${email}`, displayName: 'Erin Example', product: 'Webex Go', connectionStatus: 'connected', lastSeen: AT, ...org },
  });
}

export const SAMPLE_DETAILS: ActivationDetails = {
  email: 'alice@example.com',
  smdpAddress: 'SMDP.EXAMPLE.COM',
  matchingId: '04386-AGYFT-A74Y8-3F815',
  qrPayload: 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815',
  networkProviderCode: 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815',
  expiresAt: '2027-02-24T09:00:00.000Z',
};

/** Every card in every language the bot writes. */
export async function cardSamples(): Promise<CardSample[]> {
  return (await Promise.all(LANGUAGES.map(cardSamplesIn))).flat();
}

export async function cardSamplesIn(lang: Language): Promise<CardSample[]> {
  const ADMIN_TEXT = adminText(lang);
  const CALLS_TEXT = callsText(lang);
  const alice = sampleDevice('alice@example.com', 'pending');
  const tricky = sampleDevice('*jane*_doe[x](https://evil.example)@example.com', 'online');
  const many = Array.from({ length: 23 }, (_, i) => sampleDevice(`user${i}@example.com`, (['pending', 'online', 'offline'] as const)[i % 3]));
  const upload = ok((await analyse(fixture('summary.csv'))).result);
  const empty = ok((await analyse(fixture('summary.csv').subarray(0, fixture('summary.csv').indexOf('\n') + 1))).result);

  const samples: [CardName, string, OutgoingMessage][] = [
    ['device', 'pending, code valid', deviceCard(alice, lang)],
    ['device', 'pending, code expired, with a notice', deviceCard(sampleDevice('bob@example.com', 'pending', { code: { issuedAt: AT, expiresAt: AT, expired: true } }), lang, ADMIN_TEXT.outdatedCard('bob@example.com'))],
    ['device', 'pending, no code', deviceCard(sampleDevice('carol@example.com', 'pending', { code: undefined }), lang)],
    ['device', 'online, user text that looks like markdown', deviceCard(tricky, lang)],
    ['device', 'offline', deviceCard(sampleDevice('dave@example.com', 'offline'), lang)],
    ['devices', 'empty', devicesCard([], undefined, 1, lang)],
    ['devices', 'empty, filtered', devicesCard([], 'offline', 1, lang)],
    ['devices', 'first of three pages', devicesCard(many, undefined, 1, lang)],
    ['devices', 'middle page', devicesCard(many, undefined, 2, lang)],
    ['devices', 'filtered', devicesCard(many.filter((d) => d.status === 'online'), 'online', 1, lang)],
    ['confirm', 'delete', confirmCard(alice, { command: 'delete', confirmTitle: ADMIN_TEXT.confirmDeleteTitle, question: ADMIN_TEXT.confirmDelete(alice.email) }, lang)],
    ['confirm', 'lost/stolen', confirmCard(alice, { command: 'lost', confirmTitle: ADMIN_TEXT.confirmLostTitle, question: ADMIN_TEXT.confirmLost(alice.email) }, lang)],
    ['notice', 'cancelled', noticeCard(ADMIN_TEXT.cancelled)],
    ['licenses', 'a pool', licensesCard({ total: 10, inUse: 3, available: 7 }, lang)],
    ['settings', 'notify on', settingsCard(DEFAULT_SETTINGS, lang)],
    ['settings', 'notify off', settingsCard({ ...DEFAULT_SETTINGS, notifyUsers: false }, lang)],
    ['handover', 'notify off', handoverCard(SAMPLE_DETAILS, lang, lang)],
    ['reminder', 'expiring', reminderCard(alice, watchText(lang).expiringForAdmins(alice.email, '2027-02-24T09:00:00.000Z'), lang)],
    // Org mode: the org's data on the card, Status unknown, where the data comes from, the capabilities.
    ['device', 'org: online, name, phone, last seen, as of', deviceCard(orgDevice('erin@example.com', 'online'), lang, undefined, orgText(lang).asOf(AT, new Date(Date.parse(AT) + 3 * 60_000)))],
    ['device', 'org: status unknown, never seen, with a notice', deviceCard(orgDevice('*frank*@example.com', 'unknown', { lastSeen: undefined, connectionStatus: 'unknown', displayName: '[Frank](https://evil.example)' }), lang, orgText(lang).unavailable('Webex answered 503'), orgText(lang).asOf(undefined, new Date(AT)))],
    ['device', 'org: pending, activation state read', deviceCard(orgDevice('gina@example.com', 'pending', { connectionStatus: undefined, activationState: 'activating', product: undefined }), lang)],
    ['devices', 'org: every status, as of', devicesCard(['online', 'offline', 'pending', 'unknown'].map((s, i) => orgDevice(`org${i}@example.com`, s as DeviceStatus)), undefined, 1, lang, orgText(lang).asOf(AT, new Date(AT)))],
    ['devices', 'org: status unknown only, token refused', devicesCard([orgDevice('carol@example.com', 'unknown')], 'unknown', 1, lang, `${orgText(lang).tokenRefused} ${orgText(lang).asOf(AT, new Date(Date.parse(AT) + 3 * 3_600_000))}`)],
    ['licenses', 'org: the org pool', licensesCard({ total: 50, inUse: 3, available: 47 }, lang, orgText(lang).licensesHint(['Webex Go Business']))],
    ['settings', 'org: capabilities', settingsCard(DEFAULT_SETTINGS, lang, undefined, { capabilities: [['status', { available: true }], ['delete', { available: false, reason: 'Webex answered 403: the token lacks spark-admin:devices_write' }], ['licenses', { available: true }], ['callHistory', { available: false, reason: 'no token' }]] })],
    ['calls', 'an upload', callsCard(upload, crossCheck(upload.summary, [{ email: 'nobody@example.com', status: 'online' }]), CALLS_TEXT.fromUpload('cdr.csv', undefined), lang)],
    ['calls', 'no records', callsCard(empty, crossCheck(empty.summary, []), CALLS_TEXT.fromApi(new Date('2026-11-25T09:00:00.000Z'), new Date(AT), undefined, true), lang)],
  ];
  return samples.map(([template, label, message]) => ({ template, label: `${lang}: ${label}`, lang, message }));
}
