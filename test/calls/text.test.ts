import assert from 'node:assert/strict';
import { crossCheck } from '../../src/calls/crossCheck.js';
import { CallSummaryBuilder } from '../../src/calls/summary.js';
import { resolveColumns } from '../../src/calls/records.js';
import { analyse, fixture, ok } from './helpers.js';
import { callsText } from '../../src/render/messages/callsText.js';

const { fallbackText, periodText, refusalText, summaryFacts } = callsText('en');

const WEBEX_MESSAGE_LIMIT = 7439;

describe('calls: the words of the reply', () => {
  it('the fallback text says "Webex Go calls: N of M" and the rest of the summary', async () => {
    const result = ok((await analyse(fixture('summary.csv'))).result);
    const check = crossCheck(result.summary, [{ email: 'zoe@example.com', status: 'online' }]);
    const text = fallbackText(result, check);
    assert.match(text, /^Webex Go calls: 4 of 6$/m);
    assert.match(text, /2026-03-02 to 2026-03-04 \(UTC\)/);
    assert.match(text, /Answered: 3; not answered: 1; minutes: 12/);
    assert.match(text, /Outgoing: 3; incoming: 1/);
    assert.match(text, /- `alice@example\.com`: 3/);
    assert.match(text, /2026-03-02: 2, 2026-03-03: 1, 2026-03-04: 1/);
    assert.match(text, /no Webex Go device here: `alice@example\.com` \(3\), `bob@example\.com` \(1\), `carol@example\.com` \(1\)/);
    assert.match(text, /Online devices with no Webex Go call in the period: zoe@example\.com/);
  });

  it('names broken rows and an early stop', async () => {
    const result = ok((await analyse(fixture('messy.csv'))).result);
    const text = fallbackText({ ...result, stoppedAt: { row: 40, detail: 'a quoted field starts here and never ends' } });
    assert.match(text, /Reading stopped at row 40: a quoted field starts here and never ends\./);
    assert.match(text, /2 broken rows skipped/);
    assert.match(text, /- row 6: 10 fields, the header has 11/);
    assert.match(text, /- row 7: Start time "yesterday" is not a date/);
  });

  it('stays within a Webex message with many users, days and broken rows', () => {
    const resolution = resolveColumns(['Report ID', 'Start time', 'Sub client type', 'Correlation ID', 'Direction', 'Answered', 'Duration', 'User']);
    assert.ok(resolution.ok);
    const builder = new CallSummaryBuilder(resolution.columns);
    for (let i = 0; i < 5000; i++) {
      const day = new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000).toISOString();
      builder.addRow([`r${i}`, day, 'MOBILE_NETWORK', `c${i}`, 'ORIGINATING', 'true', '60', `someone.with.a.long.name.${i}@example.com`]);
    }
    const summary = builder.result();
    const devices = Array.from({ length: 500 }, (_, i) => ({ email: `idle.user.${i}@example.com`, status: 'online' as const }));
    const samples = Array.from({ length: 5 }, (_, i) => ({ row: i + 2, reason: 'start-time' as const, detail: `Start time "${'x'.repeat(40)}" is not a date` }));
    const text = fallbackText({ summary: { ...summary, brokenRows: 900 }, brokenSamples: samples }, crossCheck(summary, devices));
    assert.ok(Buffer.byteLength(text) < WEBEX_MESSAGE_LIMIT, `${Buffer.byteLength(text)} bytes`);
    assert.match(text, /Webex Go calls: 5000 of 5000/);
    assert.match(text, /and 4990 more/);
  });

  it('gives the card its facts', async () => {
    const { summary } = ok((await analyse(fixture('messy.csv'))).result);
    assert.deepEqual(summaryFacts(summary), [
      { title: 'Period', value: '2026-03-05 to 2026-03-06' },
      { title: 'Days counted in', value: 'UTC for 4 records without a Site timezone' },
      { title: 'Records read', value: '7' },
      { title: 'Webex Go records', value: '3' },
      { title: 'Webex Go calls', value: '3 of 3 calls (100%)' },
      { title: 'Answered', value: '2 answered, 1 not answered' },
      { title: 'Minutes', value: '2.5' },
      { title: 'Direction', value: '2 outgoing, 1 incoming' },
      { title: 'Duplicates skipped', value: '1' },
      { title: 'Broken rows skipped', value: '2' },
    ]);
    const utc = { siteOffsets: [], utcRecords: 2 };
    assert.equal(periodText({ firstDay: null, lastDay: null, days: utc }), 'no records');
    assert.equal(periodText({ firstDay: '2026-03-05', lastDay: '2026-03-05', days: utc }), '2026-03-05 (UTC)');
    assert.equal(periodText({ firstDay: '2026-03-05', lastDay: '2026-03-06', days: { siteOffsets: [-480], utcRecords: 0 } }), '2026-03-05 to 2026-03-06 (UTC\u221208:00)');
    assert.equal(periodText({ firstDay: '2026-03-05', lastDay: '2026-03-06', days: { siteOffsets: [-480, 60], utcRecords: 0 } }), "2026-03-05 to 2026-03-06 (each site's time zone)");
    assert.equal(periodText({ firstDay: '2026-03-05', lastDay: '2026-03-06', days: { timeZone: 'Europe/Paris', siteOffsets: [], utcRecords: 0 } }), '2026-03-05 to 2026-03-06 (Europe/Paris)');
  });

  it('answers a refused file', async () => {
    assert.equal(refusalText(ok((await analyse(fixture('summary.csv'))).result)), undefined);
    const notHistory = (await analyse(fixture('not-call-history.csv'))).result;
    assert.match(refusalText(notHistory) ?? '', /lacks the columns Report ID, Start time, Sub client type, Correlation ID, Direction, Answered, Duration, User\./);
    assert.match(
      refusalText({ ok: false, reason: 'not-call-history', format: 'json', missing: ['Report ID'], header: ['email'], bytesRead: 9 }) ?? '',
      /^That JSON holds no Detailed Call History records I can read: I expected the API's records \(an array of them, or an object with items\[\]\).*its records lack the field Report ID\.$/,
    );
    assert.match(refusalText({ ok: false, reason: 'too-large', maxBytes: 200 * 1024 * 1024, bytesRead: 1 }) ?? '', /over 200 MB/);
    assert.match(refusalText({ ok: false, reason: 'empty', bytesRead: 0 }) ?? '', /empty/);
    assert.match(refusalText({ ok: false, reason: 'not-call-history', format: 'csv', missing: ['Duration'], header: [], bytesRead: 9 }) ?? '', /lacks the column Duration\./);
  });
});

describe('calls: names from a file are repeated inert', () => {
  it('a user name with a link and a mention stays text in the fallback', async () => {
    const resolution = resolveColumns(['Report ID', 'Start time', 'Sub client type', 'Correlation ID', 'Direction', 'Answered', 'Duration', 'User']);
    assert.ok(resolution.ok);
    const builder = new CallSummaryBuilder(resolution.columns);
    builder.addRow(['r1', '2026-03-02T10:00:00.000Z', 'MOBILE_NETWORK', 'c1', 'ORIGINATING', 'true', '60', '[click](http://evil.example) <@all>']);
    const text = fallbackText({ summary: builder.result(), brokenSamples: [] }, crossCheck(builder.result(), []));
    assert.ok(text.includes('- `[click](http://evil.example) <@all>`: 1'), text);
    assert.doesNotMatch(text.replace(/`[^`]*`/g, ''), /evil|<@all>/);
  });
});
