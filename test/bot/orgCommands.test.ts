import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Mailer } from '../../src/bot/ports.js';
import type { OrgMode } from '../../src/bot/org.js';
import type { OrgDevice } from '../../src/bot/orgPorts.js';
import { OrgSync } from '../../src/bot/orgSync.js';
import {
  ADMIN,
  ALICE,
  DM_ADMIN,
  GROUP,
  PNG_SIGNATURE,
  admin,
  alice,
  bob,
  openBot,
  submitAction,
  visibleText,
  type BotFixture,
} from '../support/botFakes.js';
import { fakeOrgAdmin, goDevice, orgError, orgMode, person, type FakeOrgAdmin } from './orgFakes.js';

const MINUTE = 60_000;
const CODE = '04386-AGYFT-A74Y8-3F815';
/** A code as Control Hub might show it that no redaction pattern recognises: only the bot's own care keeps it private. */
const PLAIN_CODE = 'QX7RT2KW9PLM';

describe('org mode: commands', () => {
  let bot: BotFixture;
  let api: FakeOrgAdmin;
  let org: OrgMode;
  let sync: OrgSync;
  let devices: OrgDevice[];

  async function open(options: Partial<OrgMode['options']> = {}) {
    devices = [goDevice(ALICE, 'connected'), goDevice('bob@example.com', 'activating'), goDevice('carol@example.com', 'unknown')];
    api = fakeOrgAdmin(devices, [person(ALICE, 'Alice Andersen'), person('bob@example.com', 'Bob Berg'), person('carol@example.com'), person('dave@example.com')]);
    let now = () => new Date('2026-11-26T09:00:00.000Z');
    org = orgMode(api, () => now(), options);
    bot = await openBot({}, [ADMIN], { org });
    now = bot.domain.clock.read;
    sync = new OrgSync({ service: bot.service, org, messenger: bot.messenger, log: (l) => bot.logs.push(l), holdLease: async () => true, instanceId: 'test' });
    org.syncNow = () => sync.runOnce();
    await sync.runOnce();
    for (const stub of Object.values(api)) stub.resetHistory();
    bot.forget();
  }

  afterEach(() => bot.close());

  /** Everything the bot wrote anywhere, the log and the audit trail: where a code must never be. */
  async function everywhere(): Promise<string> {
    const trail = await bot.service.auditTrail({ limit: 100 });
    return [...bot.sent().map((s) => visibleText(s.message)), ...bot.logs, JSON.stringify(trail)].join('\n');
  }

  describe('views', () => {
    beforeEach(() => open());

    it("devices: the org's devices, names beside emails, Status unknown as such, and how old the data is", async () => {
      bot.domain.clock.advance(3 * MINUTE);
      await bot.type(admin, GROUP, 'devices');
      const [answer] = bot.said(GROUP.id);
      const text = visibleText(answer);
      assert.match(text, /alice@example\.com · Alice Andersen/);
      assert.match(text, /Status unknown/);
      assert.match(answer.markdown, /- carol@example\.com: Status unknown/);
      assert.match(text, /read 3 minutes ago/);
      bot.forget();
      await bot.type(admin, GROUP, 'devices unknown');
      assert.match(bot.said(GROUP.id)[0].markdown, /1 device/);
    });

    it('status <email> reads that user live: real status, name, phone, last seen, what Webex reports', async () => {
      devices[0] = goDevice(ALICE, 'disconnected', { lastSeen: '2026-11-26T08:30:00.000Z' });
      await bot.type(admin, GROUP, 'status alice@example.com');
      assert.equal(api.personByEmail.firstCall.args[0], ALICE);
      assert.equal(api.webexGoDevicesOf.callCount, 1);
      assert.equal(api.callingDevicesOf.callCount, 1);
      const [card] = bot.said(GROUP.id);
      const text = visibleText(card);
      assert.match(card.markdown, /Alice Andersen \(alice@example\.com\): \*\*Offline\*\*/);
      for (const fact of ['Alice Andersen', 'Webex Go', '2026-11-26 08:30 UTC', 'disconnected', 'read just now']) assert.ok(text.includes(fact), fact);
      assert.equal(bot.service.deviceOf(ALICE)?.status, 'offline', 'the live read is stored: every view agrees');
    });

    it('status reads the activation state: activating is Pending activation', async () => {
      devices[2] = goDevice('carol@example.com', undefined);
      api.callingDevicesOf.resolves([{ id: 'c', modelType: 'ESIM', activationState: 'activating' }]);
      await bot.type(admin, GROUP, 'status carol@example.com');
      assert.match(bot.said(GROUP.id)[0].markdown, /\*\*Pending activation\*\*/);
    });

    it('status of someone the org does not know, or without a device', async () => {
      await bot.type(admin, GROUP, 'status nobody@example.com');
      assert.match(bot.said(GROUP.id)[0].markdown, /Webex knows nobody with the address `nobody@example\.com`/);
      bot.forget();
      await bot.type(admin, GROUP, 'status dave@example.com');
      assert.match(bot.said(GROUP.id)[0].markdown, /dave@example\.com has no Webex Go device/);
    });

    it('status when Webex does not answer: the device as last read, saying so and how old', async () => {
      api.personByEmail.rejects(orgError('unavailable', 'Webex answered 503'));
      bot.domain.clock.advance(5 * MINUTE);
      await bot.type(admin, GROUP, 'status alice@example.com');
      const text = visibleText(bot.said(GROUP.id)[0]);
      assert.match(text, /Webex did not answer \(Webex answered 503\), so this is what I last read from Webex/);
      assert.match(text, /Online/);
      assert.match(text, /read 5 minutes ago/);
    });

    it('a refused token (401): commands that need the org say so; the others keep working', async () => {
      api.personByEmail.rejects(orgError('unauthorized', 'Webex answered 401'));
      await bot.type(admin, GROUP, 'status alice@example.com');
      assert.match(visibleText(bot.said(GROUP.id)[0]), /Webex refused the org token \(expired or revoked\)/);
      bot.forget();
      await bot.type(admin, GROUP, 'licenses');
      assert.match(bot.said(GROUP.id)[0].markdown, /Webex refused the org token/);
      bot.forget();
      await bot.type(admin, GROUP, 'admins');
      assert.match(bot.said(GROUP.id)[0].markdown, /Webex Go admins/);
    });

    it('my line: the status the org reports, and how old it is', async () => {
      await bot.type(alice, { id: 'dm-alice', type: 'direct' }, 'my line');
      const [answer] = bot.said('dm-alice');
      assert.match(answer.markdown, /Your Webex Go line is \*\*Online\*\*/);
      assert.match(answer.markdown, /read just now/);
      bot.forget();
      await bot.type({ email: 'carol@example.com', personId: 'person-carol' }, { id: 'dm-carol', type: 'direct' }, 'my line');
      assert.match(bot.said('dm-carol')[0].markdown, /^Webex does not say the status of your Webex Go line right now/);
    });

    it("licenses: the org's real Webex Go pool; the pool is never a typed number", async () => {
      await bot.type(admin, GROUP, 'licenses');
      const [card] = bot.said(GROUP.id);
      assert.match(card.markdown, /3 of 50 Webex Go licenses in use, 47 available/);
      assert.match(visibleText(card), /Webex Go Business/);
      bot.forget();
      await bot.type(admin, GROUP, 'settings licenses 99');
      assert.match(bot.said(GROUP.id)[0].markdown, /In org mode the license pool is the organization’s own, in Control Hub/);
      assert.equal(bot.service.settings().licenses, 10, 'unchanged');
    });

    it('licenses: a 403 switches only licenses off, saying why', async () => {
      api.webexGoLicenses.rejects(orgError('forbidden', 'Webex answered 403: the token lacks spark-admin:licenses_read'));
      await bot.type(admin, GROUP, 'licenses');
      assert.equal(bot.said(GROUP.id)[0].markdown, 'Licenses is not available in this organization: Webex answered 403: the token lacks spark-admin:licenses_read.');
      assert.equal(org.capabilities().licenses.available, false);
      assert.equal(org.capabilities().status.available, true);
      bot.forget();
      await bot.type(admin, GROUP, 'licenses');
      assert.equal(api.webexGoLicenses.callCount, 1, 'not asked again while off');
    });

    it('settings: one line per capability, available or why not', async () => {
      org.setCapabilities({ ...org.capabilities(), delete: { available: false, reason: 'Webex answered 403: the token lacks spark-admin:devices_write', httpStatus: 403 } });
      await bot.type(admin, GROUP, 'settings');
      const text = visibleText(bot.said(GROUP.id)[0]);
      assert.match(text, /Device status: available/);
      assert.match(text, /Delete devices: not available: Webex answered 403: the token lacks spark-admin:devices_write/);
      assert.match(text, /Call history/);
    });
  });

  describe('delete', () => {
    beforeEach(() => open());

    it('after the confirmation: deletes the device in Webex, then re-reads the pool; the user is told to remove the line by hand', async () => {
      await bot.type(admin, GROUP, 'delete alice@example.com');
      assert.equal(api.deleteDevice.callCount, 0, 'asks first');
      const yes = submitAction(bot.said(GROUP.id)[0].card, 'delete', 'yes');
      assert.ok(yes);
      bot.forget();
      api.webexGoLicenses.resolves([{ id: 'lic-go', name: 'Webex Go', totalUnits: 50, consumedUnits: 2 }]);
      await bot.press(admin, GROUP, yes);
      assert.deepEqual(api.deleteDevice.firstCall.args, ['go-alice@example.com']);
      assert.ok(api.webexGoLicenses.calledAfter(api.deleteDevice));
      const outcome = bot.updates()[0].message.markdown;
      assert.match(outcome, /Webex Go device of alice@example\.com deleted/);
      assert.match(outcome, /Webex now counts 2 of 50 Webex Go licenses in use, 48 available/);
      assert.equal(bot.service.deviceOf(ALICE), undefined);
      assert.match(bot.dms(ALICE)[0].markdown, /remove the deactivated Webex Go line from your phone by hand/);
    });

    it('a refusal from Webex changes nothing here', async () => {
      await bot.type(admin, GROUP, 'delete alice@example.com');
      const yes = submitAction(bot.said(GROUP.id)[0].card, 'delete', 'yes')!;
      bot.forget();
      api.deleteDevice.rejects(orgError('forbidden', 'Webex answered 403: the token lacks spark-admin:devices_write'));
      await bot.press(admin, GROUP, yes);
      assert.match(bot.said(GROUP.id)[0].markdown, /Delete devices is not available in this organization: Webex answered 403/);
      assert.equal(bot.service.deviceOf(ALICE)?.status, 'online');
      assert.deepEqual(bot.dms(ALICE), []);
    });
  });

  describe('code, lost/stolen, assign: no public API', () => {
    it('answer with the Control Hub steps, a link, and the offer to deliver privately; nothing changes', async () => {
      await open();
      await bot.type(admin, GROUP, 'code bob@example.com');
      const code = bot.said(GROUP.id)[0].markdown;
      assert.match(code, /Webex has no public API for this/);
      assert.match(code, /from the \*\*Users\*\* view or the \*\*Devices\*\* view, then click \*\*Actions → Generate new activation code\*\*/);
      assert.match(code, /https:\/\/admin\.webex\.com/);
      assert.match(code, /\*\*deliver bob@example\.com <code>\*\* in our 1:1/);
      bot.forget();
      await bot.type(admin, GROUP, 'lost alice@example.com');
      assert.match(bot.said(GROUP.id)[0].markdown, /\*\*Actions → Lost\/stolen\*\*/);
      bot.forget();
      await bot.type(admin, GROUP, 'assign dave@example.com');
      assert.match(bot.said(GROUP.id)[0].markdown, /open \*\*Users\*\*, select dave@example\.com and add a Webex Go device/);
      assert.equal(bot.service.deviceOf('dave@example.com'), undefined);
      assert.deepEqual(bot.dms(), []);
      assert.equal(api.requestActivationCode.callCount, 0, 'the undocumented API is off by default');
    });

    it("the device card's Lost/stolen asks nothing in org mode: its press answers with the steps", async () => {
      await open();
      await bot.type(admin, GROUP, 'status alice@example.com');
      const lost = submitAction(bot.said(GROUP.id)[0].card, 'lost');
      assert.ok(lost && lost.confirm === undefined);
      bot.forget();
      await bot.press(admin, GROUP, lost);
      assert.match(bot.said(GROUP.id)[0].markdown, /Actions → Lost\/stolen/);
      assert.equal(bot.service.deviceOf(ALICE)?.status, 'online');
    });

    it('in Bulgarian too', async () => {
      await open();
      await bot.type(admin, GROUP, 'language bg');
      bot.forget();
      await bot.type(admin, GROUP, 'lost alice@example.com');
      assert.match(bot.said(GROUP.id)[0].markdown, /Действия → Изгубени\/откраднати/);
    });

    it("with ORG_TRY_ACTIVATION_CODE_API, Webex's refusal is quoted as it came, with the steps", async () => {
      await open({ tryActivationCodeApi: true });
      await bot.type(admin, GROUP, 'code bob@example.com');
      const answer = bot.said(GROUP.id)[0].markdown;
      assert.match(answer, /Webex refused: Webex answered 400: "Model ESIM is not supported for activation codes\."/);
      assert.match(answer, /Actions → Generate new activation code/);
    });

    it('with ORG_TRY_ACTIVATION_CODE_API, a code Webex gives goes to the user privately, never to the group', async () => {
      await open({ tryActivationCodeApi: true });
      api.requestActivationCode.resolves({ code: PLAIN_CODE, expiryTime: '2026-12-03T09:00:00Z' });
      await bot.type(admin, GROUP, 'code bob@example.com');
      assert.match(bot.dms('bob@example.com')[0].markdown, new RegExp(PLAIN_CODE));
      for (const message of bot.said(GROUP.id)) assert.ok(!visibleText(message).includes(PLAIN_CODE));
      assert.ok(!bot.logs.join('\n').includes(PLAIN_CODE));
    });
  });

  describe('deliver <email> <code>', () => {
    beforeEach(() => open());

    it("in the admin's 1:1: the user gets the activation message (QR, SM-DP+ and code, steps); the admin a confirmation without the code", async () => {
      await bot.type(admin, DM_ADMIN, `deliver bob@example.com ${PLAIN_CODE}`);
      const [toBob] = bot.dms('bob@example.com');
      assert.match(toBob.markdown, /Your Webex Go business line is ready to install/);
      assert.match(toBob.markdown, new RegExp(`SM-DP\\+ address \`SMDP\\.EXAMPLE\\.COM\` and activation code \`${PLAIN_CODE}\``));
      assert.match(toBob.markdown, new RegExp(`LPA:1\\$SMDP\\.EXAMPLE\\.COM\\$${PLAIN_CODE}`));
      assert.ok(toBob.file?.data.subarray(0, 8).equals(PNG_SIGNATURE));
      assert.equal(bot.qrPng.firstCall.args[0], `LPA:1$SMDP.EXAMPLE.COM$${PLAIN_CODE}`);
      const [confirmation] = bot.said(DM_ADMIN.id);
      assert.equal(
        confirmation.markdown,
        'I sent bob@example.com the activation details in a 1:1 with me. The code expires on 2027-02-24; I remind them before it does. I do not repeat the code here.',
      );
      assert.ok(!bot.dms(ADMIN).some((m) => m.markdown.includes(PLAIN_CODE)), 'no copy of the code to the admin');
      const trail = await bot.service.auditTrail({ limit: 5 });
      assert.ok(trail.some((r) => r.action === 'deliver' && r.email === 'bob@example.com' && r.outcome === 'ok'));
      assert.ok(!JSON.stringify(trail).includes(PLAIN_CODE));
      assert.ok(!bot.logs.join('\n').includes(PLAIN_CODE));
      // Remembered, for resend and the reminders.
      assert.equal(bot.service.currentActivation('bob@example.com')?.expiresAt, '2027-02-24T09:00:00.000Z');
    });

    it('takes a whole LPA string, with its own SM-DP+ address', async () => {
      await bot.type(admin, DM_ADMIN, `deliver bob@example.com LPA:1$smdp.other.example$${CODE}`);
      assert.match(bot.dms('bob@example.com')[0].markdown, /`smdp\.other\.example`/);
    });

    it('typed in a group space: not used, not repeated; the admin is told to treat it as exposed', async () => {
      await bot.type(admin, GROUP, `deliver bob@example.com ${PLAIN_CODE}`);
      const [answer] = bot.said(GROUP.id);
      assert.match(answer.markdown, /I did not use that code and I will not repeat it\. A code typed in a group space is exposed/);
      assert.match(answer.markdown, /generate a new one in Control Hub \(https:\/\/admin\.webex\.com\)/);
      assert.deepEqual(bot.dms(), []);
      assert.equal(bot.service.currentActivation('bob@example.com'), undefined);
      assert.ok(!(await everywhere()).includes(PLAIN_CODE));
    });

    it('typed in a group space by someone who is not an admin: refused, the code in no answer, log or audit record', async () => {
      await bot.type(bob, GROUP, `deliver bob@example.com ${PLAIN_CODE}`);
      assert.match(bot.said(GROUP.id)[0].markdown, /only Webex Go admins/);
      await bot.type(bob, GROUP, `deliver ${PLAIN_CODE} bob@example.com`);
      assert.ok(!(await everywhere()).includes(PLAIN_CODE));
    });

    it('a malformed code or missing parts: told what is wrong without repeating what was typed', async () => {
      for (const typed of [`deliver bob@example.com ${PLAIN_CODE}!`, `deliver ${PLAIN_CODE}`, 'deliver bob@example.com', `deliver bob@example.com ${PLAIN_CODE} extra`]) {
        await bot.type(admin, DM_ADMIN, typed);
      }
      const answers = bot.said(DM_ADMIN.id).map((m) => m.markdown);
      assert.match(answers[0], /That is not an activation code/);
      assert.match(answers[1], /The user's email address is missing/);
      assert.match(answers[2], /The activation code is missing/);
      assert.match(answers[3], /That is not an activation code/);
      assert.deepEqual(bot.dms(), []);
      assert.ok(!(await everywhere()).includes(PLAIN_CODE));
    });

    it('a device added in Control Hub since the last sync: the org is read first', async () => {
      devices.push(goDevice('dave@example.com', 'activating'));
      await bot.type(admin, DM_ADMIN, `deliver dave@example.com ${PLAIN_CODE}`);
      assert.match(bot.dms('dave@example.com')[0].markdown, /ready to install/);
    });

    it('someone without a device: refused, the code not kept', async () => {
      await bot.type(admin, DM_ADMIN, `deliver erin@example.com ${PLAIN_CODE}`);
      assert.match(bot.said(DM_ADMIN.id)[0].markdown, /erin@example\.com has no Webex Go device/);
      assert.ok(!(await everywhere()).includes(PLAIN_CODE));
    });
  });

  it('deliver on the bot’s own registry: says it is for codes from Control Hub', async () => {
    bot = await openBot();
    await bot.type(admin, DM_ADMIN, `deliver alice@example.com ${PLAIN_CODE}`);
    assert.match(bot.said(DM_ADMIN.id)[0].markdown, /works only when I run on your organization’s Webex data/);
    assert.ok(!(await everywhere()).includes(PLAIN_CODE));
  });
});

describe('org mode: deliver by email', () => {
  it('when configured, the user gets the code by email too; a 1:1 Webex refuses is said, never with the code', async () => {
    const api = fakeOrgAdmin([goDevice('bob@example.com', 'activating')], [person('bob@example.com')]);
    const mailer = {
      sendActivation: sinon.stub<Parameters<Mailer['sendActivation']>, Promise<void>>().resolves(),
      sendLineDeleted: sinon.stub<Parameters<Mailer['sendLineDeleted']>, Promise<void>>().resolves(),
      verify: sinon.stub<[], Promise<void>>().resolves(),
    };
    let now = () => new Date();
    const org = orgMode(api, () => now());
    const bot = await openBot({}, [ADMIN], { org, mailer });
    now = bot.domain.clock.read;
    const sync = new OrgSync({ service: bot.service, org, messenger: bot.messenger, log: (l) => bot.logs.push(l), holdLease: async () => true, instanceId: 'test' });
    try {
      await sync.runOnce();
      bot.messenger.dm.withArgs('bob@example.com').rejects(new Error('Webex answered 403: the person blocks bots'));
      await bot.type(admin, DM_ADMIN, `deliver bob@example.com ${PLAIN_CODE}`);
      const [details, kind] = mailer.sendActivation.firstCall.args;
      assert.equal(details.matchingId, PLAIN_CODE);
      assert.equal(kind, 'assign');
      const answers = bot.said(DM_ADMIN.id).map((m) => m.markdown);
      assert.match(answers[0], /I could not reach bob@example\.com: Webex answered 403: the person blocks bots/);
      assert.match(answers[1], /^I sent bob@example\.com the activation details by email\./);
      assert.ok(!answers.join('\n').includes(PLAIN_CODE));
    } finally {
      await bot.close();
    }
  });
});

describe('org mode: a mistyped deliver', () => {
  it('is answered without repeating what followed the command word, in a group space or a 1:1', async () => {
    const bot = await openBot();
    try {
      await bot.type(admin, GROUP, `delivr bob@example.com ${PLAIN_CODE}`);
      await bot.type(bob, GROUP, `dliver bob@example.com ${PLAIN_CODE}`);
      await bot.type(admin, DM_ADMIN, `deliever bob@example.com ${PLAIN_CODE}`);
      const answers = bot.sent().map((s) => visibleText(s.message));
      assert.equal(answers.length, 3);
      assert.match(answers[0], /I didn't understand `delivr`\. Did you mean `deliver alice@example\.com <code>`\?/);
      const trail = await bot.service.auditTrail({ limit: 20 });
      assert.ok(![...answers, ...bot.logs, JSON.stringify(trail)].join('\n').includes(PLAIN_CODE));
    } finally {
      await bot.close();
    }
  });
});
