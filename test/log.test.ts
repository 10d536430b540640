import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLog } from '../src/log.js';

describe('the process log', () => {
  function capture(): { lines: Record<string, unknown>[]; log: ReturnType<typeof createLog> } {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Record<string, unknown>);
        done();
      },
    });
    return { lines, log: createLog(sink) };
  }

  it('writes one JSON line per event with its time, level and message', async () => {
    const { lines, log } = capture();
    log('webex-go-bot listening on port 3000');
    await new Promise((r) => setImmediate(r));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].msg, 'webex-go-bot listening on port 3000');
    assert.equal(lines[0].level, 'info');
    assert.match(String(lines[0].time), /^\d{4}-\d\d-\d\dT/);
  });

  it('never writes an activation code, even when a caller hands it one', async () => {
    const { lines, log } = capture();
    log('failed: LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815 was refused');
    log('failed: 1$smdp.example.com$04386-AGYFT-A74Y8-3F815$$1 and 04386-AGYFT-A74Y8-3F815 alone');
    await new Promise((r) => setImmediate(r));
    const written = lines.map((l) => String(l.msg)).join('\n');
    assert.doesNotMatch(written, /04386|AGYFT|SMDP\.EXAMPLE\.COM\$/i);
    assert.equal(lines[0].msg, 'failed: [activation code] was refused');
  });
});
