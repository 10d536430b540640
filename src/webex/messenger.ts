import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { DownloadedFile, FoundPerson, Messenger, OutgoingMessage } from '../bot/ports.js';
import type { WebexClient } from './webexClient.js';

/** The parts of the Webex SDK the messenger uses. */
export interface WebexSdk {
  people: {
    list(query: { email: string }): Promise<{ items: { id: string; displayName?: string; emails?: string[] }[] }>;
  };
  messages: {
    create(message: Record<string, unknown>): Promise<{ id: string }>;
    remove(id: string): Promise<unknown>;
  };
  request(options: Record<string, unknown>): Promise<{ body: { id: string } }>;
}

function body(message: OutgoingMessage): Record<string, unknown> {
  return {
    markdown: message.markdown,
    ...(message.card ? { attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: message.card }] } : {}),
    ...(message.file
      ? { files: [{ value: message.file.data, options: { filename: message.file.filename, contentType: message.file.contentType } }] }
      : {}),
  };
}

/** A download that outlived its deadline; its request was aborted, the connection closed. */
class DownloadDeadlineError extends Error {
  constructor(timeoutMs: number) {
    super(`it did not arrive in full within ${timeoutMs / 1000} s`);
    this.name = 'DownloadDeadlineError';
  }
}

export class WebexMessenger implements Messenger {
  constructor(
    private readonly sdk: () => WebexSdk,
    private readonly client: WebexClient,
    private readonly token: () => string,
    /** For the whole download of a file, body included. */
    private readonly downloadTimeoutMs: number,
  ) {}

  async download(url: string): Promise<DownloadedFile> {
    // The call's per-try deadline ends when the headers arrive; a sender trickling the body would
    // never finish without one deadline over the whole download. It aborts the request, which
    // closes the connection and fails the stream mid-read.
    const deadline = new AbortController();
    const expired = new Promise<never>((_resolve, reject) => {
      deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason as Error), { once: true });
    });
    const timer = setTimeout(() => deadline.abort(new DownloadDeadlineError(this.downloadTimeoutMs)), this.downloadTimeoutMs);
    const answered = this.client.call('download a file', async (signal) => {
      // Past the deadline the download has failed already: no try is sent (again).
      if (deadline.signal.aborted) return undefined;
      let answer: Response;
      try {
        answer = await fetch(url, { headers: { authorization: `Bearer ${this.token()}` }, signal: AbortSignal.any([signal, deadline.signal]) });
      } catch (error) {
        if (deadline.signal.aborted) return undefined;
        throw error;
      }
      if (!answer.ok) {
        await answer.body?.cancel();
        // The shape WebexClient reads: a status and headers, as the SDK's errors carry them.
        throw Object.assign(new Error(answer.statusText || `HTTP ${answer.status}`), {
          statusCode: answer.status,
          headers: Object.fromEntries(answer.headers),
        });
      }
      return answer;
    }, { method: 'GET' });
    let res: Response | undefined;
    try {
      // The deadline may pass while the call waits to try again: it fails then, not after the wait.
      res = await Promise.race([answered, expired]);
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
    if (!res) throw deadline.signal.reason as Error;
    const length = Number(res.headers.get('content-length'));
    const filename = /filename="?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
    const stream = res.body ? Readable.fromWeb(res.body as WebReadableStream<Uint8Array>) : Readable.from([]);
    stream.once('close', () => clearTimeout(timer));
    return {
      stream,
      ...(Number.isFinite(length) && res.headers.has('content-length') ? { size: length } : {}),
      ...(filename ? { filename } : {}),
    };
  }

  async say(roomId: string, message: OutgoingMessage): Promise<string> {
    const sent = await this.client.call('post a message', () => this.sdk().messages.create({ roomId, ...body(message) }), { method: 'POST' });
    return sent.id;
  }

  async dm(email: string, message: OutgoingMessage): Promise<string> {
    const sent = await this.client.call('send a 1:1 message', () =>
      this.sdk().messages.create({ toPersonEmail: email, ...body(message) }), { method: 'POST' },
    );
    return sent.id;
  }

  async update(roomId: string, messageId: string, message: OutgoingMessage): Promise<string> {
    try {
      await this.client.call('edit a card', () =>
        this.sdk().request({ method: 'PUT', service: 'hydra', resource: `messages/${messageId}`, body: { roomId, ...body(message) } }), { method: 'PUT' },
      );
      return messageId;
    } catch {
      // Webex may refuse to edit a card (or after 10 edits): replace it instead.
      await this.client.call('delete a card', () => this.sdk().messages.remove(messageId), { method: 'DELETE' }).catch(() => undefined);
      return this.say(roomId, message);
    }
  }

  async sentInDirect(email: string, since: Date): Promise<string[]> {
    const listed = await this.client.call('list the messages of a 1:1', () =>
      this.sdk().request({ method: 'GET', service: 'hydra', resource: 'messages/direct', qs: { personEmail: email } }), { method: 'GET' },
    );
    const { items = [] } = listed.body as unknown as { items?: { markdown?: string; personEmail?: string; personId?: string; created?: string }[] };
    // Only what the bot wrote: the person's own messages in the 1:1 are theirs.
    return items
      .filter((m) => m.personEmail?.toLowerCase() !== email.toLowerCase() && m.created !== undefined && Date.parse(m.created) >= since.getTime())
      .map((m) => m.markdown ?? '');
  }

  async findPerson(email: string): Promise<FoundPerson | undefined> {
    const found = await this.client.call('look up a person', () => this.sdk().people.list({ email }), { method: 'GET' });
    const person = found.items.find((p) => p.emails?.some((e) => e.toLowerCase() === email.toLowerCase()));
    return person ? { id: person.id, displayName: person.displayName ?? email } : undefined;
  }
}
