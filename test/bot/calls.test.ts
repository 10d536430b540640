import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { crossCheck } from '../../src/calls/index.js';
import { callsCard, COMPRESS_CSV_ABOVE_BYTES, webexGoCsvFile } from '../../src/bot/callsReport.js';
import { personUuidOfId } from '../../src/calls/index.js';
import type { CallHistory } from '../../src/bot/ports.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { analyse, fixture, ok } from '../calls/helpers.js';
import { DM_ADMIN, admin, fakePersonId, openBot } from '../support/botFakes.js';

describe('calls: the reply', () => {
  it('attaches a small Webex Go CSV as it is and a large one gzip-compressed, and the card says how many records it holds', async () => {
    const period = { firstDay: '2026-03-02', lastDay: '2026-03-04' };
    const small = await webexGoCsvFile(Buffer.from('a,b\r\n'), period);
    assert.deepEqual([small.filename, small.contentType], ['webex-go-calls-2026-03-02_2026-03-04.csv', 'text/csv']);
    const csv = Buffer.alloc(COMPRESS_CSV_ABOVE_BYTES + 1, 'x,y\r\n');
    const large = await webexGoCsvFile(csv, period);
    assert.deepEqual([large.filename, large.contentType], ['webex-go-calls-2026-03-02_2026-03-04.csv.gz', 'application/gzip']);
    assert.ok(large.data.length < csv.length / 10);
    assert.ok(gunzipSync(large.data).equals(csv));

    const result = ok((await analyse(fixture('summary.csv'))).result);
    const card = JSON.stringify(callsCard(result, crossCheck(result.summary, []), 'From the attached export', 'en', large).card);
    assert.match(card, /"Webex Go records file","value":"5 records in webex-go-calls-2026-03-02_2026-03-04\.csv\.gz \(gzip\)"/);
  });
});

describe('calls: people and progress', () => {
  it('reads the person id Webex gives for an email as the UUID records carry', () => {
    const id = Buffer.from('ciscospark://us/PEOPLE/47F0D0C2-F05A-44CC-870D-7A3DAF859C6C').toString('base64');
    assert.equal(personUuidOfId(id), '47f0d0c2-f05a-44cc-870d-7a3daf859c6c');
    assert.equal(personUuidOfId(id.replace(/=+$/, '')), '47f0d0c2-f05a-44cc-870d-7a3daf859c6c');
    assert.equal(personUuidOfId(Buffer.from('ciscospark://us/ROOM/47f0d0c2-f05a-44cc-870d-7a3daf859c6c').toString('base64')), undefined);
  });

  it('says so when Webex knows no one by the email calls <email> names', async () => {
    const bot = await openBot();
    bot.messenger.findPerson.withArgs('nobody@example.com').resolves(undefined);
    await bot.type(admin, DM_ADMIN, 'calls nobody@example.com last 24h');
    assert.match(bot.said()[0].markdown, /Webex knows no person with the email nobody@example\.com/);
    await bot.close();
  });

  it('matches an upload by UUID to the devices here: top users with name and email, nothing false in the cross-check', async () => {
    const john = 'john.andersen@example.com';
    const bot = await openBot();
    await bot.service.assign('admin@example.com', john);
    const uuid = personUuidOfId(fakePersonId(john))!;
    const page = fixture('api-records.json').toString('utf8').replaceAll('47f0d0c2-f05a-44cc-870d-7a3daf859c6c', uuid);
    bot.messenger.download.resolves({ stream: Readable.from([Buffer.from(page)]), filename: 'records.json' });
    await bot.type(admin, DM_ADMIN, 'calls', ['https://webex.example/contents/1']);
    const [card] = bot.said();
    assert.match(card.markdown, /- `John Andersen` \(john\.andersen@example\.com\): 2/);
    assert.match(card.markdown, /whose device here is not Online: `John Andersen` \(john\.andersen@example\.com\) \(2\)/);
    assert.match(card.markdown, /no Webex Go device here: `Ana Silva` \(1\), `Maria Lopez` \(1\)/);
    assert.match(card.markdown, /Not matched with devices: 1 caller the records name with neither a User UUID nor an email/);
    assert.doesNotMatch(card.markdown, /Online devices with no Webex Go call/);
    await bot.close();
  });

  it('says "working on it" at once for a large upload, with the bytes read, and replaces it with the result', async () => {
    const bot = await openBot();
    const [header, ...rows] = fixture('summary.csv').toString('utf8').trim().split(/\r?\n/);
    const body = rows.filter((row) => !row.startsWith('rep-01,')).join('\r\n');
    // 6 MB of distinct records: each copy of the rows gets its own Report IDs.
    const copies: string[] = [header];
    for (let i = 0, length = 0; length < 6 * 1024 * 1024; i++) {
      copies.push(body.replace(/rep-/g, `rep-${i}-`));
      length += body.length + 2;
    }
    const data = Buffer.from(copies.join('\r\n') + '\r\n');
    bot.messenger.download.resolves({ stream: Readable.from([data.subarray(0, 1024), data.subarray(1024)]), size: data.length, filename: 'big.csv' });
    await bot.type(admin, DM_ADMIN, 'calls', ['https://webex.example/contents/2']);
    const [first] = bot.sent();
    assert.equal(first.kind, 'say');
    assert.match(first.message.markdown, /^Working on it: reading the attached call history, \d+\.\d MB of 6\.\d MB/);
    const result = bot.updates().at(-1)?.message;
    assert.match(result?.markdown ?? '', /^Webex Go calls: [1-9][\d,]* of/m);
    assert.ok(result?.card);
    await bot.close();
  });

  it('posts "working on it" for a paced pull, tells the rate-limit wait, and replaces it with the result', async () => {
      const callHistory: CallHistory = {
        pull({ onProgress, onWait }) {
          return {
            trimmed: false,
            async *[Symbol.asyncIterator]() {
              onProgress({ window: 1, windows: 2, records: 0 });
              await new Promise((resolve) => setTimeout(resolve, 10));
              onProgress({ window: 2, windows: 2, records: 0 });
              onWait(58_000);
              await new Promise((resolve) => setTimeout(resolve, 30));
            },
          };
        },
      };
      const bot = await openBot({}, undefined, { callHistory });
      await bot.type(admin, DM_ADMIN, 'calls last 24h');
      const sent = bot.sent();
      assert.match(sent[0].message.markdown, /^Working on it: reading the call history, 12-hour window 1 of 2/);
      const edits = bot.updates().map((u) => u.message.markdown);
      assert.ok(edits.some((t) => /window 2 of 2[^]*Waiting 58 s: the Detailed Call History API takes 1 request a minute\./.test(t)), edits.join(' | '));
      assert.match(edits.at(-1) ?? '', /^Detailed Call History, no records/);
      assert.ok(bot.updates().at(-1)?.message.card, 'the result card replaced the progress message');
      await bot.close();
  });
});

describe('calls: in the reader\'s language', () => {
  it('an admin who reads Bulgarian gets the report, its chart and its records file in Bulgarian', async () => {
    const bot = await openBot();
    await bot.type(admin, DM_ADMIN, 'language bg');
    const before = bot.said().length;
    bot.messenger.download.resolves({ stream: Readable.from([fixture('summary.csv')]), filename: 'summary.csv' });
    await bot.type(admin, DM_ADMIN, 'calls', ['https://webex.example/contents/3']);
    const [report, chart, csv] = bot.said().slice(before);
    assert.match(report.markdown, /^Обаждания с Webex Go: 4 от 6$/m);
    assert.match(JSON.stringify(report.card), /"title":"Период","value":"от 2 март 2026 г\. до 4 март 2026 г\."/);
    assert.match(chart.markdown, /тип подклиент Mobile_Network/);
    assert.equal(chart.file?.contentType, 'image/png');
    assert.match(csv.markdown, /^Записите на Webex Go/);
    await bot.type(admin, DM_ADMIN, 'calls yesterday-ish');
    assert.match(bot.said().at(-1)!.markdown, /"yesterday-ish" не е период, който познавам\./);
    await bot.close();
  });
});

describe('calls: settings', () => {
  it('paces at the documented minute unless CDR_PACE_MS says less, and takes CALLS_TIMEZONE only as a time zone name', () => {
    assert.equal(loadConfig({}).cdrPaceMs, 60_000);
    assert.equal(loadConfig({ CDR_BASE_URL: 'https://analytics-calling-eu.webexapis.com/v1' }).cdrPaceMs, 60_000, 'a regional host is paced too');
    assert.equal(loadConfig({ CDR_PACE_MS: '200' }).cdrPaceMs, 200);
    assert.equal(loadConfig({}).callsTimeZone, undefined);
    assert.equal(loadConfig({ CALLS_TIMEZONE: 'Europe/Paris' }).callsTimeZone, 'Europe/Paris');
    assert.throws(() => loadConfig({ CALLS_TIMEZONE: 'Mars/Olympus' }), (error: Error) => error instanceof ConfigError && /CALLS_TIMEZONE must be a time zone name/.test(error.message));
  });
});
