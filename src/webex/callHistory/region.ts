/**
 * Which region's host a pull talks to.
 *
 * HTTP 451 means the organisation's data is in another region and the body names the right host.
 * The body is searched (the JSON `message`, `errors[].description` and any other string in it,
 * or the raw text) for the first URL (`https://analytics-calling-eu.webexapis.com/v1/cdr_feed`,
 * `https://analytics-calling-eu.webexapis.com`) or bare `*.webexapis.com` host, then the
 * `Location` header; the new base URL is its origin + the path before `/cdr_feed` (or the current
 * base's path, `/v1`, when it names none). Only trusted hosts are followed (by default HTTPS
 * `*.webexapis.com`, or loopback when the base is loopback, for the offline fake), at most twice a
 * pull; the request is then redone there and the new base kept for the rest of the pull. A 451
 * naming nothing usable fails with kind `region`.
 */
import type { HttpStatusError } from '../../net/outgoingCall.js';
import { CdrFeedError, messageOf, trackingIdOf } from './errors.js';
import { isObject } from './json.js';

const MAX_REGION_SWITCHES = 2;

/** Whether a host named by a 451 body or a next link may receive the token. */
export type HostTrust = (candidate: URL, base: URL) => boolean;

/** HTTPS under webexapis.com, or loopback when the base is loopback (the offline fake). */
export const trustWebexHosts: HostTrust = (candidate, base) => {
  const host = candidate.hostname.toLowerCase();
  if (candidate.protocol === 'https:' && (host === 'webexapis.com' || host.endsWith('.webexapis.com'))) return true;
  return isLoopback(candidate.hostname) && isLoopback(base.hostname);
};

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The base URL one pull uses, moved by each 451 it follows. */
export class CallHistoryRegion {
  private switches = 0;

  constructor(
    private current: string,
    readonly trusts: HostTrust,
    private readonly onMove: (base: string) => void,
  ) {}

  get base(): string {
    return this.current;
  }

  /** After a 451 to `url`: the same request at the base the answer names; throws when it names none usable. */
  follow(url: string, answer: HttpStatusError): string {
    const trackingId = trackingIdOf(answer.headers, answer.body);
    const current = new URL(this.current);
    const location = answer.headers.get('location');
    const named = regionBaseFromBody(answer.body, current) ?? (location ? regionBaseFromText(location, current) : undefined);
    const notice = "HTTP 451: the organization's call history is kept in another region";
    if (named === undefined) {
      const said = messageOf(answer.body);
      throw new CdrFeedError('region', `The Detailed Call History API answered ${notice}, but its answer names no host to use${said ? ` ("${said}")` : ''}.`, {
        status: 451,
        trackingId,
      });
    }
    if (!this.trusts(named, current)) {
      throw new CdrFeedError('region', `The Detailed Call History API answered ${notice} and named ${named.href}, which is not a Webex host: not sending the token there.`, {
        status: 451,
        trackingId,
      });
    }
    const base = trimSlash(named.href);
    if (base === this.current) {
      throw new CdrFeedError('region', `The Detailed Call History API answered ${notice}, but named the host already in use (${base}).`, { status: 451, trackingId });
    }
    this.switches += 1;
    if (this.switches > MAX_REGION_SWITCHES) {
      throw new CdrFeedError('region', `The Detailed Call History API sent the request to another region ${MAX_REGION_SWITCHES} times; giving up at ${this.current}.`, {
        status: 451,
        trackingId,
      });
    }
    const moved = rebase(url, this.current, base);
    this.current = base;
    this.onMove(base);
    return moved;
  }
}

/**
 * The base URL a 451 answer names, or `undefined`. Reads every string in a JSON body (message,
 * errors[].description, any other field) or the raw text, and takes the first http(s) URL, or
 * failing that the first bare `….webexapis.com` host; see `regionBaseFromText`.
 */
export function regionBaseFromBody(body: string, current: URL): URL | undefined {
  let texts: string[];
  try {
    texts = stringsIn(JSON.parse(body) as unknown);
  } catch {
    texts = [body];
  }
  for (const text of texts) {
    const url = firstUrl(text);
    if (url) return baseOf(url, current);
  }
  for (const text of texts) {
    const host = firstWebexHost(text);
    if (host) return baseOf(host, current);
  }
  return undefined;
}

/** The base URL a piece of text (a header, a message) names, as `regionBaseFromBody` reads it. */
function regionBaseFromText(text: string, current: URL): URL | undefined {
  const url = firstUrl(text) ?? firstWebexHost(text);
  return url ? baseOf(url, current) : undefined;
}

function firstUrl(text: string): URL | undefined {
  for (const match of text.matchAll(/https?:\/\/[^\s"'<>(){}\[\],;]+/gi)) {
    const candidate = match[0].replace(/[.:!?]+$/, '');
    if (URL.canParse(candidate)) return new URL(candidate);
  }
  return undefined;
}

function firstWebexHost(text: string): URL | undefined {
  const match = /\b((?:[a-z0-9-]+\.)+webexapis\.com)\b/i.exec(text);
  return match?.[1] ? new URL(`https://${match[1].toLowerCase()}`) : undefined;
}

/** Origin + the path before `/cdr_feed` (or the current base's path when the URL has none). */
function baseOf(url: URL, current: URL): URL {
  const path = url.pathname;
  const at = path.search(/\/cdr_(feed|stream)(\/|$)/i);
  let basePath = at >= 0 ? path.slice(0, at) : path;
  basePath = basePath.replace(/\/+$/, '');
  if (basePath === '') basePath = current.pathname.replace(/\/+$/, '');
  return new URL(`${url.origin}${basePath}`);
}

/** The same request on another base URL: the part after the old base (or from `/cdr_feed` on) kept. */
function rebase(url: string, oldBase: string, newBase: string): string {
  if (url.startsWith(`${oldBase}/`)) return newBase + url.slice(oldBase.length);
  const parsed = new URL(url);
  const at = parsed.pathname.search(/\/cdr_feed(\/|$)/i);
  const rest = at >= 0 ? parsed.pathname.slice(at) : '/cdr_feed';
  return `${newBase}${rest}${parsed.search}`;
}

function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (isObject(value)) {
    // The message first: it is where Webex writes the explanation.
    if (typeof value.message === 'string') into.push(value.message);
    for (const [key, item] of Object.entries(value)) if (key !== 'message') stringsIn(item, into);
  }
  return into;
}

/** A URL without its trailing slashes: the form base URLs are kept and compared in. */
export function trimSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
