import assert from 'node:assert/strict';
import { StatusNotifier, originSpace, type Timers } from '../../src/bot/notifier.js';
import { ReminderScheduler } from '../../src/bot/reminders.js';
import { DM_ADMIN, admin, fakeMessenger, openBot } from '../support/botFakes.js';
import { ADMIN, openDomain, type DomainHarness } from '../support/domain.js';

const DAY = 24 * 60 * 60 * 1000;
const WATCH = 'watch-space';

/** Timers the test moves by hand. */
function manualTimers() {
  let now = 0;
  const due: { at: number; fn: () => void }[] = [];
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const entry = { at: now + ms, fn };
      due.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      const i = due.indexOf(handle as (typeof due)[number]);
      if (i >= 0) due.splice(i, 1);
    },
  };
  return {
    timers,
    async advance(ms: number) {
      now += ms;
      for (const entry of due.filter((e) => e.at <= now)) {
        due.splice(due.indexOf(entry), 1);
        entry.fn();
      }
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('watch space and reminders', () => {
  let h: DomainHarness;
  let messenger: ReturnType<typeof fakeMessenger>;
  beforeEach(async () => {
    h = await openDomain({ codeTtlDays: 30, licenses: 50 });
    messenger = fakeMessenger();
    await h.service.updateSettings(ADMIN, { watchSpaceId: WATCH });
  });
  afterEach(() => h.close());

  const posted = () => messenger.say.getCalls().filter((c) => c.args[0] === WATCH).map((c) => c.args[1].markdown);

  it('posts a lone change at once, and groups a burst into one message per window', async () => {
    const clock = manualTimers();
    new StatusNotifier(h.service, messenger, () => undefined, 60_000, clock.timers);
    const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
    await clock.advance(0);
    assert.deepEqual(posted(), ['admin@example.com assigned a device for alice@example.com — now **Pending activation**']);
    const { iccid } = await h.service.download(activation.qrPayload);
    await h.service.phoneEvent(iccid, 'disabled');
    for (let i = 0; i < 20; i++) await h.service.assign(ADMIN, `user${i}@example.com`);
    await clock.advance(59_000);
    assert.equal(posted().length, 1, 'nothing more within the minute');
    await clock.advance(1_000);
    assert.equal(posted().length, 2);
    const burst = posted()[1];
    assert.match(burst, /^\*\*Webex Go changes\*\* \(22\):/);
    assert.match(burst, /alice@example\.com went \*\*Online\*\* \(line installed on the phone\)/);
    assert.match(burst, /alice@example\.com went \*\*Offline\*\* \(line switched off on the phone\)/);
    assert.ok(!burst.includes(activation.matchingId));
  });

  it('does not echo an admin action taken in the watch space itself', async () => {
    const clock = manualTimers();
    new StatusNotifier(h.service, messenger, () => undefined, 60_000, clock.timers);
    await originSpace.run(WATCH, () => h.service.assign(ADMIN, 'alice@example.com'));
    await originSpace.run('elsewhere', () => h.service.assign(ADMIN, 'bob@example.com'));
    await clock.advance(0);
    assert.deepEqual(posted(), ['admin@example.com assigned a device for bob@example.com — now **Pending activation**']);
  });

  it('reminds once per code: the user gets the details again, the watch space a Generate button', async () => {
    const scheduler = new ReminderScheduler({ service: h.service, messenger, log: () => undefined, qrPng: async () => Buffer.from('png'), remindDays: 7 });
    const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
    await scheduler.runOnce();
    assert.equal(messenger.dm.callCount, 0, 'nothing is due yet');
    h.clock.advance(24 * DAY);
    await scheduler.runOnce();
    await scheduler.runOnce();
    assert.equal(messenger.dm.callCount, 1);
    const [to, message] = messenger.dm.firstCall.args;
    assert.equal(to, 'alice@example.com');
    assert.match(message.markdown, /^\*\*Reminder: your Webex Go activation code expires on 2026-12-26\.\*\*/);
    assert.ok(message.markdown.includes(activation.matchingId));
    assert.equal(message.file?.contentType, 'image/png');
    const [space, line] = messenger.say.lastCall.args;
    assert.equal(space, WATCH);
    assert.ok(!line.markdown.includes(activation.matchingId));
    const actions = (line.card as { actions: { title: string; data: Record<string, string> }[] }).actions;
    assert.equal(actions[0].title, 'Generate new activation code');
    assert.equal(actions[0].data.command, 'code');

    // After a restart nothing is sent twice; once expired, the user is told to ask for a new code.
    h = await h.reopen();
    const again = new ReminderScheduler({ service: h.service, messenger, log: () => undefined, qrPng: async () => Buffer.from('png'), remindDays: 7 });
    await again.runOnce();
    assert.equal(messenger.dm.callCount, 1);
    h.clock.advance(7 * DAY);
    await again.runOnce();
    assert.equal(messenger.dm.callCount, 2);
    assert.equal(messenger.dm.lastCall.args[1].markdown, 'Your Webex Go activation code expired on 2026-12-26. Ask your Webex admin for a new one.');
    assert.match(messenger.say.lastCall.args[1].markdown, /expired on 2026-12-26/);
  });

  it('sends no reminder for a device that went Online in time, and none to users when notify is off', async () => {
    const scheduler = new ReminderScheduler({ service: h.service, messenger, log: () => undefined, qrPng: async () => Buffer.from('png'), remindDays: 7 });
    const { activation } = await h.service.assign(ADMIN, 'alice@example.com');
    await h.service.download(activation.qrPayload);
    await h.service.assign(ADMIN, 'bob@example.com');
    await h.service.updateSettings(ADMIN, { notifyUsers: false });
    h.clock.advance(25 * DAY);
    await scheduler.runOnce();
    assert.equal(messenger.dm.callCount, 0);
    assert.deepEqual(posted(), ['The activation code of bob@example.com expires on 2026-12-26 and the line is still Pending activation.']);
  });

  it('the device card says when the code expired and offers a new one', async () => {
    const bot = await openBot();
    try {
      await bot.type(admin, DM_ADMIN, 'assign alice@example.com');
      bot.domain.clock.advance(91 * DAY);
      await bot.type(admin, DM_ADMIN, 'status alice@example.com');
      const card = JSON.stringify(bot.said(DM_ADMIN.id).at(-1)?.card);
      assert.match(card, /Code expired on 2027-02-24: generate a new one/);
      assert.match(card, /"title":"Generate new activation code"/);
    } finally {
      await bot.close();
    }
  });
});
