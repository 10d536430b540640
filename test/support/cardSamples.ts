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
import type { ActivationDetails, DeviceStatus, DeviceView } from '../../src/domain/types.js';
import { ADMIN_TEXT } from '../../src/render/messages/adminText.js';
import { analyse, fixture, ok } from '../calls/helpers.js';
import { DEFAULT_SETTINGS } from './domain.js';

export interface CardSample {
  template: CardName;
  label: string;
  message: OutgoingMessage;
}

const AT = '2026-11-26T09:00:00.000Z';

export function sampleDevice(email: string, status: DeviceStatus, overrides: Partial<DeviceView> = {}): DeviceView {
  return {
    id: `dev-${email}`,
    email,
    status,
    indicator: status === 'online' ? 'green' : status === 'offline' ? 'red' : 'grey',
    statusSince: AT,
    createdAt: AT,
    lastChange: { at: AT, cause: status === 'pending' ? 'assigned' : status === 'online' ? 'downloaded' : 'disabled', by: status === 'pending' ? 'admin@example.com' : 'phone' },
    canGenerateCode: status === 'pending',
    ...(status === 'pending' ? { code: { issuedAt: AT, expiresAt: '2027-02-24T09:00:00.000Z', expired: false } } : {}),
    ...overrides,
  };
}

export const SAMPLE_DETAILS: ActivationDetails = {
  email: 'alice@example.com',
  smdpAddress: 'SMDP.EXAMPLE.COM',
  matchingId: '04386-AGYFT-A74Y8-3F815',
  qrPayload: 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815',
  networkProviderCode: 'LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815',
  expiresAt: '2027-02-24T09:00:00.000Z',
};

export async function cardSamples(): Promise<CardSample[]> {
  const alice = sampleDevice('alice@example.com', 'pending');
  const tricky = sampleDevice('*jane*_doe[x](https://evil.example)@example.com', 'online');
  const many = Array.from({ length: 23 }, (_, i) => sampleDevice(`user${i}@example.com`, (['pending', 'online', 'offline'] as const)[i % 3]));
  const upload = ok((await analyse(fixture('summary.csv'))).result);
  const empty = ok((await analyse(fixture('summary.csv').subarray(0, fixture('summary.csv').indexOf('\n') + 1))).result);

  const samples: [CardName, string, OutgoingMessage][] = [
    ['device', 'pending, code valid', deviceCard(alice)],
    ['device', 'pending, code expired, with a notice', deviceCard(sampleDevice('bob@example.com', 'pending', { code: { issuedAt: AT, expiresAt: AT, expired: true } }), ADMIN_TEXT.outdatedCard('bob@example.com'))],
    ['device', 'pending, no code', deviceCard(sampleDevice('carol@example.com', 'pending', { code: undefined }))],
    ['device', 'online, user text that looks like markdown', deviceCard(tricky)],
    ['device', 'offline', deviceCard(sampleDevice('dave@example.com', 'offline'))],
    ['devices', 'empty', devicesCard([], undefined, 1)],
    ['devices', 'empty, filtered', devicesCard([], 'offline', 1)],
    ['devices', 'first of three pages', devicesCard(many, undefined, 1)],
    ['devices', 'middle page', devicesCard(many, undefined, 2)],
    ['devices', 'filtered', devicesCard(many.filter((d) => d.status === 'online'), 'online', 1)],
    ['confirm', 'delete', confirmCard(alice, { command: 'delete', confirmTitle: ADMIN_TEXT.confirmDeleteTitle, question: ADMIN_TEXT.confirmDelete(alice.email) })],
    ['confirm', 'lost/stolen', confirmCard(alice, { command: 'lost', confirmTitle: ADMIN_TEXT.confirmLostTitle, question: ADMIN_TEXT.confirmLost(alice.email) })],
    ['notice', 'cancelled', noticeCard(ADMIN_TEXT.cancelled)],
    ['licenses', 'a pool', licensesCard({ total: 10, inUse: 3, available: 7 })],
    ['settings', 'notify on', settingsCard(DEFAULT_SETTINGS)],
    ['settings', 'notify off', settingsCard({ ...DEFAULT_SETTINGS, notifyUsers: false })],
    ['handover', 'notify off', handoverCard(SAMPLE_DETAILS, 'en')],
    ['reminder', 'expiring', reminderCard(alice, 'The activation code of alice@example.com expires on 2027-02-24.')],
    ['calls', 'an upload', callsCard(upload, crossCheck(upload.summary, [{ email: 'nobody@example.com', status: 'online' }]), 'From the attached export (cdr.csv)')],
    ['calls', 'no records', callsCard(empty, crossCheck(empty.summary, []), 'From the Detailed Call History API')],
  ];
  return samples.map(([template, label, message]) => ({ template, label, message }));
}
