import assert from 'node:assert/strict';
import {
  cleanValue,
  isAnswered,
  isWebexGoRecord,
  isWebexGoSubClientType,
  normaliseHeaderName,
  parseDirection,
  parseDurationSeconds,
  parseTimestamp,
  resolveColumns,
} from '../../src/calls/records.js';

const HEADER = ['Report ID', 'Start time', 'Sub client type', 'Correlation ID', 'Direction', 'Answered', 'Duration', 'User'];

describe('calls: call history records', () => {
  describe('resolveColumns', () => {
    it('finds the fields in the export header', () => {
      const resolution = resolveColumns(HEADER);
      assert.ok(resolution.ok);
      assert.equal(resolution.columns.width, 8);
      assert.equal(resolution.columns.reportId, 0);
      assert.equal(resolution.columns.subClientType, 2);
      assert.equal(resolution.columns.user, 7);
      assert.equal(resolution.columns.userEmail, -1);
      assert.equal(resolution.columns.clientType, -1);
    });

    it('matches names in any casing, with spaces, underscores or none, in any order', () => {
      const header = ['DURATION', 'sub_client_type', ' Answered ', 'report id', 'CorrelationID', 'START_TIME', 'direction', 'user', 'User Email'];
      const resolution = resolveColumns(header);
      assert.ok(resolution.ok);
      assert.deepEqual(
        [resolution.columns.duration, resolution.columns.subClientType, resolution.columns.answered, resolution.columns.reportId],
        [0, 1, 2, 3],
      );
      assert.equal(resolution.columns.correlationId, 4);
      assert.equal(resolution.columns.startTime, 5);
      assert.equal(resolution.columns.userEmail, 8);
      for (const name of ['Sub client type', 'Sub Client Type', 'sub_client_type', 'SubClientType', 'SUB  CLIENT  TYPE', '\uFEFFSub client type']) {
        assert.equal(normaliseHeaderName(name), 'subclienttype', name);
      }
    });

    it('names the required columns a file lacks, as the export spells them', () => {
      assert.deepEqual(resolveColumns(['email', 'status', 'since']), {
        ok: false,
        missing: ['Report ID', 'Start time', 'Sub client type', 'Correlation ID', 'Direction', 'Answered', 'Duration', 'User'],
      });
      assert.deepEqual(resolveColumns(HEADER.filter((h) => h !== 'Correlation ID' && h !== 'Answered')), {
        ok: false,
        missing: ['Correlation ID', 'Answered'],
      });
    });

    it('accepts User number or User UUID when User is absent', () => {
      const base = HEADER.filter((h) => h !== 'User');
      assert.deepEqual(resolveColumns(base), { ok: false, missing: ['User'] });
      assert.ok(resolveColumns([...base, 'User number']).ok);
      assert.ok(resolveColumns([...base, 'User UUID']).ok);
      assert.ok(resolveColumns([...base, 'User email']).ok);
    });

    it('takes the first of two columns with the same name', () => {
      const resolution = resolveColumns([...HEADER, 'report_id']);
      assert.ok(resolution.ok);
      assert.equal(resolution.columns.reportId, 0);
    });
  });

  it('treats "", "NA" and spaces as blank, and trims values', () => {
    for (const blank of ['', 'NA', 'na', ' NA ', '   ', undefined]) assert.equal(cleanValue(blank), '', String(blank));
    assert.equal(cleanValue('NAB'), 'NAB');
    assert.equal(cleanValue(' call-1 '), 'call-1');
    assert.equal(cleanValue('N'), 'N');
  });

  it('recognises MOBILE_NETWORK in any casing as Webex Go, and nothing else', () => {
    for (const value of ['MOBILE_NETWORK', 'Mobile_Network', 'mobile_network', ' MOBILE_NETWORK ', 'Mobile Network']) {
      assert.ok(isWebexGoSubClientType(value), value);
    }
    for (const value of ['', 'NA', 'MOBILE', 'MOBILE_NETWORKS', 'SIP', 'WXC_CLIENT', 'MOBILE_NETWORK_X']) {
      assert.ok(!isWebexGoSubClientType(value), value);
    }
    const resolution = resolveColumns(HEADER);
    assert.ok(resolution.ok);
    assert.ok(isWebexGoRecord(['r', 't', 'Mobile_Network', 'c', 'd', 'a', '1', 'u'], resolution.columns));
    assert.ok(!isWebexGoRecord(['r', 't', 'NA', 'c', 'd', 'a', '1', 'u'], resolution.columns));
  });

  it('reads Answered, Direction and Duration', () => {
    for (const yes of ['true', 'TRUE', 'True', ' true ', 'yes', '1', 'Y']) assert.ok(isAnswered(yes), yes);
    for (const no of ['false', 'FALSE', '', 'NA', '0', 'no', 'truth']) assert.ok(!isAnswered(no), no);
    assert.equal(parseDirection('ORIGINATING'), 'originating');
    assert.equal(parseDirection('terminating'), 'terminating');
    assert.equal(parseDirection('NA'), undefined);
    assert.equal(parseDirection('OUTBOUND'), undefined);
    assert.equal(parseDurationSeconds('120'), 120);
    assert.equal(parseDurationSeconds('12.5'), 12.5);
    for (const zero of ['', 'NA', 'abc', '-5']) assert.equal(parseDurationSeconds(zero), 0, zero);
  });

  it('reads the timestamps an export holds, and nothing that is not a date', () => {
    const at = Date.UTC(2026, 2, 2, 9, 15, 22, 123);
    assert.equal(parseTimestamp('2026-03-02T09:15:22.123Z'), at);
    assert.equal(parseTimestamp('2026-03-02 09:15:22.123'), at);
    assert.equal(parseTimestamp(' 2026-03-02T09:15:22.123Z '), at);
    assert.equal(parseTimestamp('2026-03-02T10:15:22.123+01:00'), at);
    assert.equal(parseTimestamp('2026-03-02T04:15:22.123-0500'), at);
    assert.equal(parseTimestamp('2026-03-02T09:15:22.1234567Z'), at);
    assert.equal(parseTimestamp('2026-03-02T09:15'), Date.UTC(2026, 2, 2, 9, 15));
    assert.equal(parseTimestamp('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
    assert.equal(parseTimestamp('Mar 2, 2026 09:15:22 UTC'), Date.UTC(2026, 2, 2, 9, 15, 22));
    for (const bad of ['', 'NA', 'yesterday', '2026-02-30T10:00:00Z', '2025-02-29T10:00:00Z', '2026-13-01T00:00:00Z', '2026-03-02T25:00:00Z']) {
      assert.ok(Number.isNaN(parseTimestamp(bad)), bad);
    }
  });
});
