import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { crossCheck } from '../../src/calls/index.js';
import { callsCard, COMPRESS_CSV_ABOVE_BYTES, webexGoCsvFile } from '../../src/bot/callsReport.js';
import { analyse, fixture, ok } from '../calls/helpers.js';

describe('calls: the reply', () => {
  it('attaches a small Webex Go CSV as it is and a large one gzip-compressed, and the card says how many records it holds', async () => {
    const period = { firstDay: '2026-03-02', lastDay: '2026-03-04' };
    const small = webexGoCsvFile(Buffer.from('a,b\r\n'), period);
    assert.deepEqual([small.filename, small.contentType], ['webex-go-calls-2026-03-02_2026-03-04.csv', 'text/csv']);
    const csv = Buffer.alloc(COMPRESS_CSV_ABOVE_BYTES + 1, 'x,y\r\n');
    const large = webexGoCsvFile(csv, period);
    assert.deepEqual([large.filename, large.contentType], ['webex-go-calls-2026-03-02_2026-03-04.csv.gz', 'application/gzip']);
    assert.ok(large.data.length < csv.length / 10);
    assert.ok(gunzipSync(large.data).equals(csv));

    const result = ok((await analyse(fixture('summary.csv'))).result);
    const card = JSON.stringify(callsCard(result, crossCheck(result.summary, []), 'From the attached export', large).card);
    assert.match(card, /"Webex Go records file","value":"5 records in webex-go-calls-2026-03-02_2026-03-04\.csv\.gz \(gzip\)"/);
  });
});
