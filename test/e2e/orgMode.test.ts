/**
 * Org mode end to end: the whole app with the real webex-node-bot-framework against the shared
 * fake Webex, its org admin client (webex/org) against the fake's simulated org, as
 * WEBEX_ORG_TOKEN would run it. An admin works as they would: devices, status, licenses, the
 * device card's buttons, the Control Hub steps, `deliver` of a code generated in the simulated
 * Control Hub (in a 1:1, and refused in a group space), the user's phone redeeming it and the
 * sync announcing it; then the faults: a refused token, a 403 on one capability, a 5xx.
 */
import { fakeWebexLog, sharedFakeWebex } from '../support/sharedFakeWebex.js';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import { ORG_SCOPES } from '../../src/webex/org/orgAdmin.js';
import { seedOrgDemo } from '../../src/localwebex/page/seed.js';
import type { Room } from '../../src/localwebex/types.js';
import { qrPng } from '../../src/render/qrPng.js';
import { fakeOrgAdmin, startBot, type RunningBot } from '../support/botHarness.js';
import { ADMIN } from '../support/domain.js';
import {
  activationIn,
  activationMessages,
  allActions,
  assertCardsValid,
  assertGroupSpacesKeepSecrets,
  buttonTitles,
  cardOf,
  fromBot,
  pressAndWaitEdit,
  recordCards,
  settle,
  visibleText,
  waitUntil,
  PNG_MAGIC,
} from '../support/e2e.js';

const SYNC_MS = 300;
/** Retries quick enough for a test: Webex's faults here are injected, not waited out. */
const QUICK_RETRIES = { retries: 1, maxRetryAfterMs: 1000, backoffMs: 20, timeoutMs: 5000, defaultRetryAfterMs: 20 };

describe('e2e: org mode against the local org', function () {
  this.timeout(30_000);
  let fake: FakeWebex;
  let bot: RunningBot;
  let adminDm: Room;
  let ops: Room;
  let watch: Room;
  let recorded: ReturnType<typeof recordCards>;
  /** How far the app's clock runs ahead of the wall clock, in ms (to let minutes pass). */
  let aheadMs = 0;
  /** Every code the simulated Control Hub generated in this file: none may leak. */
  const generated: string[] = [];

  const deviceIdOf = (email: string) => fake.org.deviceOf(fake.person(email)!.id)?.id;
  const ask = (text: string, room: Room = adminDm) => bot.type(room.id, ADMIN, text, room.type === 'group' ? { mentionBot: true } : {});
  /** A sync after now has completed: the org's state as it is now is what the bot shows. */
  const nextSync = async () => {
    const before = bot.app.org!.lastCompleteReadAt;
    await waitUntil(() => bot.app.org!.lastCompleteReadAt !== before, 'the next complete org sync');
  };
  /** Control Hub (simulated) → the device → Actions → Generate new activation code. */
  const generateInControlHub = (email: string) => {
    const code = fake.org.generateCode(deviceIdOf(email)!);
    generated.push(code.matchingId);
    return code;
  };

  before(async () => {
    ({ fake } = await sharedFakeWebex());
    fake.reset();
    seedOrgDemo(fake);
    fake.addPerson({ email: ADMIN, displayName: 'Ada Admin' });
    fake.addPerson({ email: 'alice@example.com', displayName: 'Alice Andersen' });
    recorded = recordCards(fake);
    bot = await startBot({
      keepFake: true,
      orgAdmin: await fakeOrgAdmin({ policy: QUICK_RETRIES }),
      orgSyncMs: SYNC_MS,
      clock: () => new Date(Date.now() + aheadMs),
      // deliver with the code alone: the SM-DP+ address is the org's, as ESIM_SMDP_ADDRESS says.
      settings: { smdpAddress: fake.org.smdpAddress },
      env: { WATCH_WINDOW_SECONDS: '1' },
    });
    adminDm = fake.directSpace(ADMIN);
    ops = await bot.groupSpace('Webex Go admins', [ADMIN, 'alice@example.com']);
    watch = await bot.groupSpace('Webex Go watch', [ADMIN]);
    await waitUntil(() => bot.app.org!.lastCompleteReadAt !== undefined, 'the first org sync');
    assert.match((await ask('watch here', watch)).markdown!, /now gets every Webex Go status change/);
  });

  after(async () => {
    recorded.stop();
    await bot?.stop();
  });

  it('says at start what the org token may do, one line a capability', () => {
    assert.ok(bot.logs.includes('Org mode: Device status: available'), bot.logs.join('\n'));
    assert.ok(bot.logs.includes('Org mode: Licenses: available'), 'licenses');
    assert.ok(bot.logs.some((l) => l.startsWith('Org mode: Delete devices: available (not checked until the first delete')), 'delete');
    assert.ok(bot.logs.includes('Org mode: Call history: available'), 'call history');
    assert.ok(bot.logs.includes('Org mode: Languages from Webex: available'), 'languages');
  });

  it("devices: the org's devices with their real status, Status unknown as such, names, phones and when last seen", async () => {
    const list = await ask('devices');
    const text = visibleText(list);
    for (const [email, name, status] of [
      ['bob@example.com', 'Bob Brown', 'Online'],
      ['carol@example.com', 'Carol Chen', 'Status unknown'],
      ['dave@example.com', 'Dave Davis', 'Pending activation'],
      ['erin@example.com', 'Erin Evans', 'Offline'],
      ['frank@example.com', 'Frank Fischer', 'Offline'],
    ]) {
      const row = (cardOf(list)!.body as Array<Record<string, unknown>>).find((b) => JSON.stringify(b).includes(email));
      assert.ok(row, `${email} is listed: ${text}`);
      assert.match(JSON.stringify(row), new RegExp(`${email} · ${name}`));
      assert.match(JSON.stringify(row), new RegExp(`● ${status}`));
      assert.match(JSON.stringify(row), /Webex Go/, `${email}'s phone`);
    }
    const rowOf = (email: string) => JSON.stringify((cardOf(list)!.body as unknown[]).find((b) => JSON.stringify(b).includes(email)));
    assert.match(rowOf('bob@example.com'), /Webex Go · last seen \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    assert.match(rowOf('carol@example.com'), /Webex Go · not seen by Webex yet/);
    assert.match(text, /From the organization’s Webex data, read just now\./);
    assert.equal(fake.org.devices().length, 5, 'reading changed nothing in the org');
    const pending = await ask('devices pending');
    assert.match(visibleText(pending), /dave@example\.com/);
    assert.doesNotMatch(visibleText(pending), /bob@example\.com/);
  });

  it('status <email> reads that person live: name, phone, last seen and what Webex reports', async () => {
    const bob = fake.org.deviceOf(fake.person('bob@example.com')!.id)!;
    // Bob switches his line off: the next status shows it, without waiting for a sync.
    fake.org.phoneEvent(bob.iccid!, 'disabled');
    const requestsBefore = fake.requests.length;
    const card = await ask('status bob@example.com');
    const text = visibleText(card);
    assert.match(text, /● Offline/);
    assert.match(text, /Bob Brown/);
    assert.match(text, /Webex Go/);
    assert.match(text, /disconnected · activated/);
    assert.match(text, /From the organization’s Webex data, read just now\./);
    const lastSeen = (cardOf(card)!.body as Array<{ facts?: Array<{ title: string; value: string }> }>).flatMap((b) => b.facts ?? []).find((f) => f.title === 'Last seen');
    assert.match(lastSeen?.value ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    assert.ok(
      fake.requests.slice(requestsBefore).some((r) => r.path === '/v1/devices' && r.query?.personId === bob.personId),
      'read live from the org',
    );
    const carol = visibleText(await ask('status carol@example.com'));
    assert.match(carol, /● Status unknown/);
    assert.match(carol, /Carol Chen/);
    assert.match(carol, /Last seen[^]*never/);
    assert.match(carol, /first read from the organization’s Webex data/, 'found at the first sync, not added');
    fake.org.phoneEvent(bob.iccid!, 'enabled');
    assert.match((await ask('status nobody.here@example.com')).markdown!, /^Webex knows nobody with the address .*nobody\.here@example\.com/);
  });

  it("licenses: the org's Webex Go pool as Webex counts it", async () => {
    const answer = await ask('licenses');
    assert.match(visibleText(answer), /\b5\b[^]*\b10\b/);
    assert.match(answer.markdown!, /^5 of 10 Webex Go licenses in use, 5 available\./);
    assert.match(answer.markdown!, /organization’s Webex Go licenses as Webex counts them \(Webex Go\)/);
  });

  it('settings: one line per capability, and no `settings licenses` hint (the pool is Control Hub’s)', async () => {
    const card = await ask('settings');
    const text = visibleText(card);
    assert.match(text, /Device status: available/);
    assert.match(text, /Licenses: available/);
    assert.doesNotMatch(JSON.stringify(cardOf(card)), /settings licenses/);
    assert.match((await ask('settings licenses 99')).markdown!, /license pool is the organization’s own/);
  });

  it('code, lost and assign answer with the Control Hub steps and the offer to deliver privately', async () => {
    for (const [typed, action] of [
      ['code dave@example.com', 'Actions → Generate new activation code'],
      ['lost bob@example.com', 'Actions → Lost/stolen'],
      ['assign alice@example.com', 'add a Webex Go device there'],
    ] as const) {
      const answer = (await ask(typed, ops)).markdown!;
      assert.match(answer, /Webex has no public API for this, so I did not change anything\./, typed);
      assert.ok(answer.includes(action), `${typed}: ${answer}`);
      assert.ok(answer.includes('https://admin.webex.com'), typed);
      assert.match(answer, /type \*\*deliver \S+@example\.com <code>\*\* in our 1:1, never in a group space/, typed);
    }
    assert.equal(fake.org.deviceOf(fake.person('alice@example.com')!.id), undefined, 'assign added nothing to the org');
  });

  it("the device card's buttons: Lost/stolen and New code answer with the steps; Delete asks, then deletes in Webex", async () => {
    const dave = await ask('status dave@example.com');
    assert.deepEqual(buttonTitles(dave), ['Generate new activation code', 'Lost/stolen', 'Delete']);
    const stepsFor = async (title: string) => {
      const next = bot.nextFromBot((m) => m.roomId === adminDm.id && m.id !== dave.id);
      fake.pressButton({ messageId: dave.id, fromEmail: ADMIN, inputs: allActions(cardOf(dave)).find((a) => a.title === title)!.data! });
      return (await next).markdown!;
    };
    assert.match(await stepsFor('Generate new activation code'), /Actions → Generate new activation code/);
    assert.match(await stepsFor('Lost/stolen'), /Actions → Lost\/stolen/);

    const erin = await ask('status erin@example.com');
    const erinDevice = deviceIdOf('erin@example.com')!;
    const done = await pressAndWaitEdit(bot, erin, 'Yes, delete', ADMIN);
    assert.match(visibleText(done), /Webex Go device of erin@example\.com deleted; its license is back in the pool\./);
    assert.match(visibleText(done), /Webex now counts 4 of 10 Webex Go licenses in use, 6 available\./);
    assert.equal(fake.org.device(erinDevice), undefined, 'gone from the org');
    assert.ok(fake.requests.some((r) => r.method === 'DELETE' && r.path === `/v1/devices/${erinDevice}` && r.status === 204), 'DELETE /v1/devices/{id} answered 204');
    // Erin is told to remove the line by hand.
    const told = await fake.waitForMessage((m) => m.roomId === fake.directSpace('erin@example.com').id && /remove the deactivated Webex Go line/.test(m.markdown ?? ''));
    assert.match(told.markdown!, /by hand/);
    assert.doesNotMatch(visibleText(await ask('devices')), /erin@example\.com/);
    assert.match((await ask('licenses')).markdown!, /^4 of 10 Webex Go licenses in use, 6 available\./);
    // The next sync agrees: Erin's device stays gone, and nothing is announced twice.
    await nextSync();
    assert.equal(bot.app.service.deviceOf('erin@example.com'), undefined);
  });

  it('deliver in the admin’s 1:1: the user gets the code privately; the phone redeems it; the sync announces Online', async () => {
    const issued = generateInControlHub('dave@example.com');
    const confirmation = await ask(`deliver dave@example.com ${issued.matchingId}`);
    assert.match(confirmation.markdown!, /^I sent dave@example\.com the activation details in a 1:1 with me\. The code expires on \d{4}-\d{2}-\d{2}/);
    assert.ok(!JSON.stringify(confirmation).includes(issued.matchingId), 'the confirmation does not repeat the code');

    const daveDm = fake.directSpace('dave@example.com');
    await waitUntil(() => activationMessages(fake, daveDm.id).length > 0, "Dave's activation details");
    const toDave = activationMessages(fake, daveDm.id).at(-1)!;
    const details = activationIn(toDave)!;
    assert.deepEqual([details.smdpAddress, details.matchingId, details.lpa], [issued.smdpAddress, issued.matchingId, issued.activationCode]);
    assert.match(toDave.markdown!, /^\*\*Your Webex Go business line is ready to install\.\*\*/);
    for (const phone of ['**iPhone**', '**Samsung**', '**Pixel**']) assert.ok(toDave.markdown!.includes(phone), phone);
    const [png] = toDave.files!;
    assert.deepEqual(png?.data.subarray(0, 8), PNG_MAGIC);
    assert.deepEqual(png?.data, await qrPng(details.lpa), 'the QR code of the network provider code');
    // Not in the admin's 1:1 either: the admin copied it from Control Hub.
    assert.ok(!fromBot(fake, adminDm.id).some((m) => JSON.stringify(m).includes(issued.matchingId)), "the admin's 1:1");

    // Dave's phone scans the QR code: the org's SM-DP+ takes it; Webex then reports the device connected.
    fake.org.redeem(details.lpa);
    await fake.waitForMessage((m) => m.roomId === watch.id && /dave@example\.com went \*\*Online\*\* \(as Webex reports it\)/.test(m.markdown ?? ''), 8000);
    const online = visibleText(await ask('devices online'));
    assert.match(online, /dave@example\.com/);
    // A used code cannot be delivered again.
    assert.doesNotMatch((await ask(`deliver dave@example.com ${issued.activationCode}`)).markdown!, /I sent/);
  });

  it('deliver a whole LPA string, for a device just added in Control Hub', async () => {
    const alice = fake.person('alice@example.com')!;
    fake.org.addDevice(alice.id, alice.displayName);
    const issued = generateInControlHub('alice@example.com');
    const confirmation = await ask(`deliver alice@example.com ${issued.activationCode}`);
    assert.match(confirmation.markdown!, /^I sent alice@example\.com the activation details/);
    const aliceDm = fake.directSpace('alice@example.com');
    await waitUntil(() => activationMessages(fake, aliceDm.id).some((m) => activationIn(m)?.lpa === issued.activationCode), "Alice's activation details");
  });

  it('deliver typed in a group space: not used, not repeated in the space, the logs or the audit', async () => {
    const grace = fake.addPerson({ email: 'grace@example.com', displayName: 'Grace Green' });
    fake.org.addDevice(grace.id, grace.displayName);
    const issued = generateInControlHub('grace@example.com');
    const refusal = await ask(`deliver grace@example.com ${issued.matchingId}`, ops);
    assert.match(refusal.markdown!, /I did not use that code and I will not repeat it\./);
    assert.match(refusal.markdown!, /generate a new one in Control Hub/);
    await settle(300);
    assert.equal(activationMessages(fake, fake.directSpace('grace@example.com').id).length, 0, 'Grace got nothing');
    for (const m of fromBot(fake, ops.id)) assert.ok(!JSON.stringify(m).includes(issued.matchingId), `the space: ${m.markdown}`);
    // The audit trail is one file per month (audit-YYYY-MM.jsonl): all of them.
    const auditFiles = (await readdir(bot.dir)).filter((name) => /^audit.*\.jsonl$/.test(name));
    assert.ok(auditFiles.length > 0, 'an audit file');
    const audit = (await Promise.all(auditFiles.map((name) => readFile(join(bot.dir, name), 'utf8')))).join('');
    assert.match(audit, /"deliver"/);
    assert.ok(!audit.includes(issued.matchingId), 'the audit trail');
    assert.ok(!bot.logs.some((l) => l.includes(issued.matchingId)), 'the logs');
    assert.ok(!fakeWebexLog.some((l) => l.includes(issued.matchingId)), "the fake Webex's log");
  });

  it('a 403 on one capability switches only that one off', async () => {
    fake.orgApi.failNext({ scope: ORG_SCOPES.licensesRead, status: 403, times: Infinity });
    const answer = (await ask('licenses')).markdown!;
    assert.match(answer, /^Licenses is not available in this organization: .*spark-admin:licenses_read/);
    assert.match(visibleText(await ask('devices')), /bob@example\.com/);
    assert.match(visibleText(await ask('status bob@example.com')), /● Online/);
    const settings = visibleText(await ask('settings'));
    assert.match(settings, /Licenses: not available: .*spark-admin:licenses_read/);
    assert.match(settings, /Device status: available/);
    fake.orgApi.clearFaults();
  });

  it('a 5xx during a sync keeps the last state, and the views say how old it is', async () => {
    await nextSync();
    fake.orgApi.failNext({ scope: ORG_SCOPES.devicesRead, status: 503, times: Infinity });
    const failedBefore = bot.logs.filter((l) => l.startsWith('org sync failed')).length;
    await waitUntil(() => bot.logs.filter((l) => l.startsWith('org sync failed')).length > failedBefore, 'a failed sync');
    aheadMs = 3 * 60_000;
    const list = visibleText(await ask('devices'));
    for (const email of ['bob@example.com', 'carol@example.com', 'dave@example.com', 'frank@example.com']) assert.match(list, new RegExp(email));
    assert.match(list, /From the organization’s Webex data, read 3 minutes ago\./);
    const status = visibleText(await ask('status bob@example.com'));
    assert.match(status, /Webex did not answer \(.*503.*\), so this is what I last read from Webex\./);
    assert.match(status, /● Online/);
    assert.match(status, /read 3 minutes ago/);
    const bobDm = fake.directSpace('bob@example.com');
    const myLine = (await bot.type(bobDm.id, 'bob@example.com', 'my line')).markdown!;
    assert.match(myLine, /^Your Webex Go line is \*\*Online\*\*/);
    assert.match(myLine, /read 3 minutes ago/);
    fake.orgApi.clearFaults();
    await nextSync();
    aheadMs = 0;
  });

  it('a refused org token: admins are told once, commands that need it say so, the bot keeps serving', async () => {
    fake.orgApi.failNext({ path: '/v1/devices', status: 401, times: Infinity });
    const notice = await fake.waitForMessage((m) => m.roomId === watch.id && /Webex refused the org token/.test(m.markdown ?? ''), 8000);
    assert.match(notice.markdown!, /^\*\*Org mode:\*\* Webex refused the org token \(expired or revoked\)/);
    // Several failed syncs later: still once.
    const failed = bot.logs.filter((l) => l.startsWith('org sync failed')).length;
    await waitUntil(() => bot.logs.filter((l) => l.startsWith('org sync failed')).length >= failed + 3, 'more failed syncs');
    assert.equal(fromBot(fake, watch.id).filter((m) => /Webex refused the org token/.test(m.markdown ?? '')).length, 1);
    assert.match((await ask('licenses')).markdown!, /Webex refused the org token \(expired or revoked\)/);
    assert.match(visibleText(await ask('status bob@example.com')), /Webex refused the org token[^]*● Online/);
    assert.match(visibleText(await ask('help')), /deliver/);
    fake.orgApi.clearFaults();
    await nextSync();
    assert.doesNotMatch((await ask('licenses')).markdown!, /refused/);
  });

  it("someone whose Webex language is Bulgarian and who chose none gets the delivered code in Bulgarian; after 'language en', in English", async () => {
    const ivan = fake.addPerson({ email: 'ivan@example.com', displayName: 'Ivan Petrov' });
    fake.org.setPreferredLanguage(ivan.id, 'bg_BG');
    fake.org.addDevice(ivan.id, ivan.displayName);
    const issued = generateInControlHub('ivan@example.com');
    assert.match((await ask(`deliver ivan@example.com ${issued.matchingId}`)).markdown!, /^I sent ivan@example\.com the activation details/, "in the admin's language");
    const ivanDm = fake.directSpace('ivan@example.com');
    // The activation message, in whichever language: the one with the QR code.
    const activations = () => fromBot(fake, ivanDm.id).filter((m) => m.files?.length && m.markdown?.includes(issued.matchingId));
    await waitUntil(() => activations().length > 0, "Ivan's activation details");
    assert.match(activations().at(-1)!.markdown!, /^\*\*Бизнес линията ви Webex Go е готова за инсталиране\.\*\*/);
    assert.match((await bot.type(ivanDm.id, 'ivan@example.com', 'language en')).markdown!, /^From now on I write to you in \*\*English\*\*\./);
    await bot.type(ivanDm.id, 'ivan@example.com', 'resend');
    await waitUntil(() => activations().length > 1, 'the activation details again');
    assert.match(activations().at(-1)!.markdown!, /^\*\*Your Webex Go business line is ready to install\.\*\*/);
  });

  it('keeps activation codes out of group spaces and logs; every card validates', () => {
    assertGroupSpacesKeepSecrets(fake, bot.logs, generated);
    assertCardsValid(recorded.cards);
  });
});
