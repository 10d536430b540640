/**
 * One window's pages. `max` = `pageSize` (1–500, default 500); the next page is the
 * `Link: <…>; rel="next"` header's URL, followed until there is none. A next link to another
 * origin is followed only to a trusted host (it would receive the token). A page URL is fetched
 * once per pull: a next link back to a page already fetched ends that window, so no page's records
 * are yielded twice.
 */
import { CdrFeedError } from './errors.js';
import { isObject } from './json.js';
import { describeWindow, formatCdrTime, type CallHistoryWindow } from './plan.js';
import type { CallRecord } from '../../calls/record.js';
import type { HostTrust } from './region.js';

export const MAX_PAGE_SIZE = 500;

export interface Page {
  items: CallRecord[];
  /** The next page's URL, absolute. */
  next: string | undefined;
}

/** The request for a window's first page. */
export function firstPageUrl(base: string, window: CallHistoryWindow, locations: string[], pageSize: number): string {
  const query = new URLSearchParams({ startTime: formatCdrTime(window.start), endTime: formatCdrTime(window.end) });
  if (locations.length > 0) query.set('locations', locations.join(','));
  query.set('max', String(pageSize));
  return `${base}/cdr_feed?${query}`;
}

/** A 200 or 204 answer to `pageUrl` read as a page: its records and where the next one is. */
export function readPage(answer: { status: number; headers: Headers; text: string }, pageUrl: string, window: CallHistoryWindow, base: string, trusts: HostTrust): Page {
  const next = nextPageUrl(answer.headers.get('link'), pageUrl, base, trusts);
  if (answer.status === 204 || answer.text.trim() === '') return { items: [], next };
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch (error) {
    throw new CdrFeedError('format', `The Detailed Call History API sent something other than JSON for ${describeWindow(window)}.`, { cause: error });
  }
  const items = isObject(body) ? body.items : undefined;
  if (items === undefined) return { items: [], next };
  if (!Array.isArray(items)) {
    throw new CdrFeedError('format', `The Detailed Call History API's answer for ${describeWindow(window)} has "items" that is not a list.`);
  }
  return { items: items.filter(isObject), next };
}

/** The rel="next" URL, resolved against the page's URL; refused if it leaves trusted hosts. */
function nextPageUrl(header: string | null, pageUrl: string, base: string, trusts: HostTrust): string | undefined {
  const target = nextLinkTarget(header);
  if (target === undefined) return undefined;
  let next: URL;
  try {
    next = new URL(target, pageUrl);
  } catch {
    throw new CdrFeedError('format', `The Detailed Call History API's next-page link "${target}" is not a URL.`);
  }
  const page = new URL(pageUrl);
  if (next.origin !== page.origin && !trusts(next, new URL(base))) {
    throw new CdrFeedError('format', `The Detailed Call History API's next-page link points at ${next.host}, not a Webex host: not following it.`);
  }
  return next.href;
}

/** The URL of the `rel="next"` entry of a Link header. */
export function nextLinkTarget(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g)) {
    const params = match[2] ?? '';
    for (const param of params.matchAll(/;\s*rel\s*=\s*("([^"]*)"|[^\s;,]+)/gi)) {
      const rels = (param[2] ?? param[1] ?? '').toLowerCase().split(/\s+/);
      if (rels.includes('next')) return match[1];
    }
  }
  return undefined;
}
