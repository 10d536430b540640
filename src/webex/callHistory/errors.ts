/** How a call history pull fails, and what Webex's error bodies say. */
import { isObject } from './json.js';

export type CdrFeedErrorKind = 'options' | 'range' | 'auth' | 'rate-limit' | 'region' | 'http' | 'network' | 'format';

/** Every failure of a pull; `message` is fit to show an admin. */
export class CdrFeedError extends Error {
  readonly kind: CdrFeedErrorKind;
  /** The HTTP status that caused it, when one did. */
  readonly status: number | undefined;
  /** Webex's tracking id from the failing response, for a support case. */
  readonly trackingId: string | undefined;

  constructor(kind: CdrFeedErrorKind, message: string, details: { status?: number; trackingId?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'CdrFeedError';
    this.kind = kind;
    this.status = details.status;
    this.trackingId = details.trackingId;
  }
}

/** The Webex error body's message (or its first error description), shortened; '' if none. */
export function messageOf(text: string): string {
  let message = '';
  try {
    const body = JSON.parse(text) as unknown;
    if (isObject(body)) {
      if (typeof body.message === 'string') message = body.message;
      else if (Array.isArray(body.errors) && isObject(body.errors[0]) && typeof body.errors[0].description === 'string') {
        message = body.errors[0].description;
      }
    }
  } catch {
    message = text.trim().startsWith('<') ? '' : text;
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 300 ? `${message.slice(0, 299)}…` : message;
}

/** Webex's tracking id: the `trackingid` header, else the body's `trackingId`. */
export function trackingIdOf(headers: Headers, text: string): string | undefined {
  const header = headers.get('trackingid');
  if (header !== null) return header;
  try {
    const body = JSON.parse(text) as unknown;
    return isObject(body) && typeof body.trackingId === 'string' ? body.trackingId : undefined;
  } catch {
    return undefined;
  }
}
