/**
 * Live changes for the page (server-sent events): messages, people, spaces, button presses,
 * phones, mail and the org's devices (Control Hub), as they happen. Listens to the fake, its org
 * and the mailbox only while a page is open.
 */
import express, { type Response, type Router } from 'express';
import type { FakeWebex } from '../../fakeWebex.js';
import type { LocalMailbox, MailboxMessage } from '../../mailbox.js';
import type { Change } from '../../types.js';
import { messageView, phoneView } from '../views.js';
import { mailSummary } from './mailbox.js';

const HEARTBEAT_MS = 20_000;

/** The stream's router; `close()` ends the open streams. */
export type EventRoutes = Router & { close(): void };

export function eventRoutes(fake: FakeWebex, mailbox: LocalMailbox | undefined): EventRoutes {
  const api = express.Router();
  const streams = new Set<Response>();
  let heartbeat: NodeJS.Timeout | undefined;

  const send = (event: Record<string, unknown>) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(frame);
  };

  const onChange = (change: Change) => {
    if (streams.size === 0) return;
    switch (change.kind) {
      case 'message':
        if (change.action === 'deleted') {
          send({ type: 'message', action: 'deleted', roomId: change.message.roomId, messageId: change.message.id });
        } else {
          // A deleted message may still be announced late; only live ones go out.
          if (!fake.message(change.message.id)) return;
          send({ type: 'message', action: change.action, roomId: change.message.roomId, message: messageView(fake, change.message) });
        }
        break;
      case 'person':
        send({ type: 'people' });
        break;
      case 'room':
        send({ type: 'spaces', roomId: change.room.id });
        break;
      case 'membership':
        send({ type: 'spaces', roomId: change.membership.roomId, email: change.membership.personEmail.toLowerCase() });
        break;
      case 'attachmentAction': {
        const person = fake.personById(change.attachmentAction.personId);
        send({
          type: 'attachmentAction',
          messageId: change.attachmentAction.messageId,
          roomId: change.attachmentAction.roomId,
          email: person?.emails[0]?.toLowerCase(),
        });
        break;
      }
      case 'phone':
        send({ type: 'phone', email: change.phone.email, phone: phoneView(fake, change.phone.email) });
        break;
      case 'reset':
        send({ type: 'reset' });
        break;
      case 'webhook':
        break;
    }
  };

  // Only that something changed: the page reads Control Hub again (a code is never in the stream).
  const onOrg = () => send({ type: 'org' });

  const onMail = (message: MailboxMessage) => {
    send({ type: 'mail', to: message.to, mail: mailSummary(message) });
  };

  const dropStream = (res: Response) => {
    if (!streams.delete(res)) return;
    if (streams.size === 0) {
      fake.off('change', onChange);
      fake.org.off('change', onOrg);
      mailbox?.off('mail', onMail);
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  api.get('/events', (req, res) => {
    res.status(200);
    res.set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
    res.flushHeaders();
    res.write('retry: 1000\n\n');
    if (streams.size === 0) {
      fake.on('change', onChange);
      fake.org.on('change', onOrg);
      mailbox?.on('mail', onMail);
      heartbeat = setInterval(() => {
        for (const stream of streams) stream.write(': ping\n\n');
      }, HEARTBEAT_MS);
      heartbeat.unref();
    }
    streams.add(res);
    res.write(`data: ${JSON.stringify({ type: 'hello' })}\n\n`);
    req.on('close', () => dropStream(res));
  });

  return Object.assign(api, {
    close(): void {
      for (const res of [...streams]) {
        res.end();
        dropStream(res);
      }
    },
  });
}
