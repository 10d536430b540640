import { createHmac } from 'node:crypto';
import type { Webhook, WebhookEvent } from './types.js';

/** How long one delivery may take before it counts as failed. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Whether a webhook subscribes to an event. A firehose webhook (`all`) does not carry
 * `attachmentActions`: the framework registers a second webhook for those, and with the same
 * name for both, it would handle every button press twice otherwise. An inactive webhook gets nothing.
 */
export function webhookMatches(webhook: Webhook, event: WebhookEvent, botId: string): boolean {
  if (webhook.status !== 'active') return false;
  const resourceMatches =
    webhook.resource === event.resource || (webhook.resource === 'all' && event.resource !== 'attachmentActions');
  const eventMatches = webhook.event === 'all' || webhook.event === event.event;
  return resourceMatches && eventMatches && filterMatches(webhook.filter, event.data, botId);
}

/** A Webex webhook filter such as `roomId=…&personEmail=…`; `mentionedPeople=me` names the bot. */
function filterMatches(filter: string | undefined, data: Record<string, unknown>, botId: string): boolean {
  if (!filter) return true;
  return [...new URLSearchParams(filter)].every(([key, wanted]) => {
    const value = data[key];
    if (Array.isArray(value)) return value.includes(wanted === 'me' ? botId : wanted);
    return String(value) === wanted;
  });
}

/** The JSON body Webex posts to a webhook's target. */
export function webhookBody(webhook: Webhook, event: WebhookEvent): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: webhook.id,
    name: webhook.name,
    targetUrl: webhook.targetUrl,
    resource: event.resource,
    event: event.event,
  };
  if (webhook.filter) body.filter = webhook.filter;
  Object.assign(body, {
    orgId: webhook.orgId,
    createdBy: webhook.createdBy,
    appId: webhook.appId,
    ownedBy: webhook.ownedBy,
    status: webhook.status,
    created: webhook.created,
    actorId: event.actorId,
    data: event.data,
  });
  return body;
}

/** hex HMAC-SHA1 of the raw body with the webhook's secret: the `X-Spark-Signature` header. */
export function webhookSignature(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha1', secret).update(rawBody).digest('hex');
}

/**
 * Posts events to webhook targets, in order per webhook (one queue each), never throwing into
 * the code that caused the event: a failed delivery is logged and the queue moves on.
 */
export class WebhookDispatcher {
  private readonly queues = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly log: (line: string) => void) {}

  deliver(webhook: Webhook, event: WebhookEvent): void {
    if (this.stopped) return;
    const rawBody = JSON.stringify(webhookBody(webhook, event));
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (webhook.secret) headers['x-spark-signature'] = webhookSignature(webhook.secret, rawBody);
    const previous = this.queues.get(webhook.id) ?? Promise.resolve();
    const next = previous.then(() => this.post(webhook, event, rawBody, headers));
    this.queues.set(webhook.id, next);
    // Drop the queue once it is drained, so the map does not keep every webhook ever seen.
    void next.then(() => {
      if (this.queues.get(webhook.id) === next) this.queues.delete(webhook.id);
    });
  }

  /** Resolves when every delivery queued so far has been attempted. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /** Queued deliveries not yet started are dropped. */
  stop(): void {
    this.stopped = true;
  }

  private async post(webhook: Webhook, event: WebhookEvent, rawBody: string, headers: Record<string, string>): Promise<void> {
    if (this.stopped) return;
    const what = `${event.resource}/${event.event} to ${webhook.targetUrl}`;
    try {
      const response = await fetch(webhook.targetUrl, {
        method: 'POST',
        headers,
        body: rawBody,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (!response.ok) this.log(`webhook ${what} answered ${response.status}`);
    } catch (error) {
      this.log(`webhook ${what} failed: ${(error as Error).message}`);
    }
  }
}
