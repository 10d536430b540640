import assert from 'node:assert/strict';
import { resolveColumns } from '../../src/calls/records.js';
import { CallSummaryBuilder } from '../../src/calls/summary.js';
import { analyse, fixture, ok } from './helpers.js';

/*
 * test/fixtures/cdr/summary.csv, by hand (10 records):
 *   call-1  alice  Webex Go ORIGINATING answered 120 s  + bob's WXC_CLIENT leg            2026-03-02
 *   call-2  alice  Webex Go TERMINATING not answered 0 s + carol's leg (not Webex Go) answered
 *   call-3  bob    Webex Go ORIGINATING answered 300 s  + carol Webex Go TERMINATING 300 s 2026-03-03 23:30Z
 *   call-4  alice  Webex Go (as "Mobile_Network") ORIGINATING not answered, Duration NA   2026-03-04
 *   call-5  dave   not Webex Go                                                           2026-03-03
 *   (none)  dave   not Webex Go, Correlation ID "NA": a call of its own                   2026-03-04 12:00Z
 *   rep-01 again: a duplicate
 */
describe('calls: the summary', () => {
  it('gives the figures worked out by hand for summary.csv', async () => {
    const { result } = await analyse(fixture('summary.csv'));
    const { summary } = ok(result);
    assert.deepEqual(
      {
        periodStart: summary.periodStart,
        periodEnd: summary.periodEnd,
        recordsRead: summary.recordsRead,
        duplicates: summary.duplicates,
        brokenRows: summary.brokenRows,
        webexGoRecords: summary.webexGoRecords,
        webexGoCalls: summary.webexGoCalls,
        allCalls: summary.allCalls,
        answered: summary.answered,
        notAnswered: summary.notAnswered,
        totalSeconds: summary.totalSeconds,
        totalMinutes: summary.totalMinutes,
        outbound: summary.outbound,
        inbound: summary.inbound,
        unknownDirection: summary.unknownDirection,
      },
      {
        periodStart: '2026-03-02T09:00:00.000Z',
        periodEnd: '2026-03-04T12:00:00.000Z',
        recordsRead: 10,
        duplicates: 1,
        brokenRows: 0,
        webexGoRecords: 5, // call-1, call-2, call-3 twice, call-4
        webexGoCalls: 4, // call-3's two Webex Go legs are one call
        allCalls: 6, // call-1…5 and the record without a Correlation ID
        answered: 3, // call-2 counts: its other leg was answered
        notAnswered: 1, // call-4
        totalSeconds: 720, // 120 + 0 + 300 + 300 + NA
        totalMinutes: 12,
        outbound: 3, // call-1, call-3, call-4
        inbound: 1, // call-2
        unknownDirection: 0,
      },
    );
    assert.deepEqual(summary.topUsers, [
      { user: 'alice@example.com', email: 'alice@example.com', calls: 3 },
      { user: 'bob@example.com', email: 'bob@example.com', calls: 1 },
      { user: 'carol@example.com', email: 'carol@example.com', calls: 1 },
    ]);
    assert.deepEqual(summary.byDay, [
      { day: '2026-03-02', calls: 2 },
      { day: '2026-03-03', calls: 1 },
      { day: '2026-03-04', calls: 1 },
    ]);
  });

  describe('CallSummaryBuilder', () => {
    const header = ['Report ID', 'Start time', 'Sub client type', 'Correlation ID', 'Direction', 'Answered', 'Duration', 'User', 'User email'];
    const resolution = resolveColumns(header);
    assert.ok(resolution.ok);
    const columns = resolution.columns;
    let n = 0;
    const wg = (at: string, correlation: string, direction: string, answered: string, duration: string, user: string, email = '') =>
      [`id-${++n}`, at, 'MOBILE_NETWORK', correlation, direction, answered, duration, user, email];
    const other = (at: string, correlation: string, answered = 'false') =>
      [`id-${++n}`, at, '', correlation, 'TERMINATING', answered, '10', 'Someone', ''];

    it('says what each record was', () => {
      const builder = new CallSummaryBuilder(columns);
      const first = wg('2026-03-02T09:00:00Z', 'c1', 'ORIGINATING', 'true', '60', 'Ann');
      assert.equal(builder.addRow(first), 'webex-go');
      assert.equal(builder.addRow(first), 'duplicate');
      assert.equal(builder.addRow(other('2026-03-02T09:00:00Z', 'c1')), 'other');
      assert.equal(builder.addRow(first.slice(1)), 'broken-field-count');
      assert.equal(builder.addRow(wg('soon', 'c2', 'ORIGINATING', 'true', '60', 'Ann')), 'broken-start-time');
      builder.addBroken();
      const summary = builder.result();
      assert.equal(summary.recordsRead, 6);
      assert.equal(summary.duplicates, 1);
      assert.equal(summary.brokenRows, 3);
      assert.deepEqual(summary.brokenByReason, { 'field-count': 1, 'start-time': 1, 'csv-syntax': 1 });
      assert.equal(summary.allCalls, 1);
    });

    it('counts a record without a Correlation ID as a call of its own, also without a Report ID', () => {
      const builder = new CallSummaryBuilder(columns);
      builder.addRow(wg('2026-03-02T09:00:00Z', 'NA', 'ORIGINATING', 'true', '60', 'Ann'));
      builder.addRow(wg('2026-03-02T09:05:00Z', '', 'ORIGINATING', 'true', '60', 'Ann'));
      const noIds = ['', '2026-03-02T09:10:00Z', 'MOBILE_NETWORK', '', 'TERMINATING', 'false', '0', 'Ann', ''];
      builder.addRow(noIds);
      builder.addRow(noIds); // without a Report ID a record is never a duplicate
      const summary = builder.result();
      assert.equal(summary.duplicates, 0);
      assert.equal(summary.webexGoCalls, 4);
      assert.equal(summary.allCalls, 4);
      assert.equal(summary.answered, 2);
      assert.deepEqual(summary.topUsers, [{ user: 'Ann', calls: 4 }]);
    });

    it('counts an answered leg that comes before the Webex Go leg', () => {
      const builder = new CallSummaryBuilder(columns);
      builder.addRow(other('2026-03-02T09:00:00Z', 'c9', 'true'));
      builder.addRow(wg('2026-03-02T09:00:01Z', 'c9', 'TERMINATING', 'false', '0', 'Ann'));
      builder.addRow(other('2026-03-02T10:00:00Z', 'c10', 'true'));
      const summary = builder.result();
      assert.deepEqual([summary.webexGoCalls, summary.answered, summary.notAnswered, summary.inbound], [1, 1, 0, 1]);
    });

    it('knows users by email first, each counting a call once', () => {
      const builder = new CallSummaryBuilder(columns);
      // The same person as a name with an email column, then with another casing.
      builder.addRow(wg('2026-03-02T09:00:00Z', 'c1', 'ORIGINATING', 'true', '60', 'Ann Lee', 'Ann@Example.com'));
      builder.addRow(wg('2026-03-02T09:00:30Z', 'c1', 'ORIGINATING', 'true', '60', 'Ann Lee', 'ann@example.com'));
      builder.addRow(wg('2026-03-02T10:00:00Z', 'c2', 'ORIGINATING', 'true', '60', 'ANN@example.com'));
      // A call between two Webex Go users counts for both, and once as outbound.
      builder.addRow(wg('2026-03-02T11:00:00Z', 'c3', 'TERMINATING', 'true', '60', 'Bo Ek'));
      builder.addRow(wg('2026-03-02T11:00:00Z', 'c3', 'ORIGINATING', 'true', '60', 'Ann Lee', 'ann@example.com'));
      // No user at all in a table without User number or UUID columns.
      builder.addRow(wg('2026-03-02T12:00:00Z', 'c4', 'NA', 'false', '0', 'NA'));
      const summary = builder.result();
      assert.deepEqual(summary.users, [
        { user: 'Ann Lee', email: 'ann@example.com', calls: 3 },
        { user: '(unknown user)', calls: 1 },
        { user: 'Bo Ek', calls: 1 },
      ]);
      assert.deepEqual([summary.outbound, summary.inbound, summary.unknownDirection], [3, 0, 1]);
    });

    it('keeps the top five users, most calls first, ties by name', () => {
      const builder = new CallSummaryBuilder(columns);
      const names = ['Fay', 'Eve', 'Dan', 'Cat', 'Bea', 'Abe'];
      names.forEach((name, i) => {
        for (let call = 0; call <= i % 3; call++) builder.addRow(wg('2026-03-02T09:00:00Z', `${name}-${call}`, 'ORIGINATING', 'true', '1', name));
      });
      const summary = builder.result();
      assert.deepEqual(
        summary.topUsers.map((u) => `${u.user}:${u.calls}`),
        ['Abe:3', 'Dan:3', 'Bea:2', 'Eve:2', 'Cat:1'],
      );
      assert.equal(summary.users.length, 6);
      assert.equal(new CallSummaryBuilder(columns, { topUsers: 2 }).result().topUsers.length, 0);
    });

    it('gives every day of the period, and shifts days by an offset when asked', () => {
      const rows = [
        wg('2026-03-01T23:30:00Z', 'c1', 'ORIGINATING', 'true', '60', 'Ann'),
        other('2026-03-04T08:00:00Z', 'c2'),
      ];
      const utc = new CallSummaryBuilder(columns);
      const oslo = new CallSummaryBuilder(columns, { timeZone: 'Europe/Oslo' });
      for (const row of rows) {
        utc.addRow(row);
        oslo.addRow(row);
      }
      assert.deepEqual(utc.result().byDay, [
        { day: '2026-03-01', calls: 1 },
        { day: '2026-03-02', calls: 0 },
        { day: '2026-03-03', calls: 0 },
        { day: '2026-03-04', calls: 0 },
      ]);
      assert.deepEqual(oslo.result().byDay.slice(0, 2), [
        { day: '2026-03-02', calls: 1 },
        { day: '2026-03-03', calls: 0 },
      ]);
    });

    it("counts days in each record's site time zone at a day boundary, or in CALLS_TIMEZONE when set", () => {
      const sited = resolveColumns(['Report ID', 'Start time', 'Sub client type', 'Correlation ID', 'Direction', 'Answered', 'Duration', 'User', 'Site timezone']);
      assert.ok(sited.ok);
      // 04:30 UTC on the 15th is 23:30 on the 14th in Richardson (UTC−05:00) and 05:30 on the 15th in Paris (UTC+01:00).
      const rows = [
        ['r1', '2020-05-15T04:30:00Z', 'MOBILE_NETWORK', 'c1', 'ORIGINATING', 'true', '36', 'John Andersen', '-300'],
        ['r2', '2020-05-15T04:30:00Z', 'MOBILE_NETWORK', 'c2', 'ORIGINATING', 'true', '36', 'Marie Dupont', '60'],
        ['r3', '2020-05-15T04:30:00Z', 'MOBILE_NETWORK', 'c3', 'ORIGINATING', 'true', '36', 'Nobody', 'NA'],
      ];
      const bySite = new CallSummaryBuilder(sited.columns);
      const fixed = new CallSummaryBuilder(sited.columns, { timeZone: 'America/Chicago' });
      for (const row of rows) {
        bySite.addRow(row);
        fixed.addRow(row);
      }
      const site = bySite.result();
      assert.deepEqual(site.byDay, [
        { day: '2020-05-14', calls: 1 },
        { day: '2020-05-15', calls: 2 },
      ]);
      assert.deepEqual([site.firstDay, site.lastDay], ['2020-05-14', '2020-05-15']);
      assert.deepEqual(site.days, { siteOffsets: [-300, 60], utcRecords: 1 });
      // Chicago is on daylight saving time in May: UTC−05:00, so all three fall on the 14th.
      const chicago = fixed.result();
      assert.deepEqual(chicago.byDay, [{ day: '2020-05-14', calls: 3 }]);
      assert.deepEqual(chicago.days, { timeZone: 'America/Chicago', siteOffsets: [], utcRecords: 0 });
    });

    it('gives an empty summary without records', () => {
      const summary = new CallSummaryBuilder(columns).result();
      assert.equal(summary.periodStart, null);
      assert.equal(summary.periodEnd, null);
      assert.deepEqual(summary.byDay, []);
      assert.equal(summary.webexGoCalls, 0);
    });

    it('keeps exact counts past the tables’ growth, sized up front or not', () => {
      const grown = new CallSummaryBuilder(columns);
      const reserved = new CallSummaryBuilder(columns);
      reserved.reserve(30_000);
      for (let i = 0; i < 30_000; i++) {
        const row =
          i % 20 === 0
            ? wg('2026-03-02T09:00:00Z', `call-${i >> 1}`, 'ORIGINATING', i % 40 === 0 ? 'true' : 'false', '30', `u${i % 7}`)
            : other('2026-03-02T09:00:00Z', `call-${i >> 1}`);
        grown.addRow(row);
        reserved.addRow(row);
        if (i % 1000 === 0) {
          grown.addRow(row);
          reserved.addRow(row);
        }
      }
      const summary = grown.result();
      assert.deepEqual(reserved.result(), summary);
      assert.equal(summary.recordsRead, 30_030);
      assert.equal(summary.duplicates, 30);
      assert.equal(summary.allCalls, 15_000);
      assert.equal(summary.webexGoRecords, 1_500);
      assert.equal(summary.webexGoCalls, 1_500);
      assert.equal(summary.answered, 750);
    });
  });
});
