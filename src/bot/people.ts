/**
 * The Webex people behind emails, for matching call records: a record carries a person's UUID
 * (`User UUID`), which is what their Webex person id encodes — base64 of
 * `ciscospark://us/PEOPLE/<uuid>`. Looked up through the messenger (`GET /people?email=`) and
 * remembered for the life of the process: people do not change ids.
 */
import { personUuidOfId } from '../calls/index.js';
import type { Messenger } from './ports.js';


/** Emails found per messenger (one per app): email → the person's UUID, or null when Webex knows no such person. */
const found = new WeakMap<Messenger, Map<string, string | null>>();
/** Lookups at once: enough to be quick for a few hundred devices, few enough to stay clear of Webex's limits. */
const PARALLEL = 4;

/** The person UUID of each email (lower-cased), undefined when Webex knows no such person or could not be asked. */
export async function personUuids(messenger: Messenger, emails: readonly string[]): Promise<Map<string, string | undefined>> {
  let known = found.get(messenger);
  if (!known) found.set(messenger, (known = new Map()));
  const cache = known;
  const result = new Map<string, string | undefined>();
  const queue = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
  const work = async () => {
    for (let email = queue.shift(); email !== undefined; email = queue.shift()) {
      if (!cache.has(email)) {
        try {
          const person = await messenger.findPerson(email);
          cache.set(email, (person && personUuidOfId(person.id)) ?? null);
        } catch {
          // Not remembered: the next run asks again.
          result.set(email, undefined);
          continue;
        }
      }
      result.set(email, cache.get(email) ?? undefined);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, work));
  return result;
}
