/** The bot's CallHistory port on the Detailed Call History client. */
import type { CallHistory } from '../../bot/ports.js';
import { systemClock } from '../../net/clock.js';
import { pullCallHistory } from './cdrFeedClient.js';

export interface CallHistoryAccess {
  /** An admin's or service app's token with `spark-admin:calling_cdr_read`. */
  token: string;
  /** The API's base URL once known (the offline mode serves its own); default Webex's. */
  baseUrl: () => string | undefined;
  /** Least time between two window requests (and the span of 10 page requests): the documented 60 s, less in tests. */
  paceMs: number;
}

export function webexCallHistory(access: CallHistoryAccess): CallHistory {
  return {
    pull({ start, end, onProgress, onWait }) {
      const baseUrl = access.baseUrl();
      const pull = pullCallHistory({
        token: access.token,
        ...(baseUrl ? { baseUrl } : {}),
        start,
        end,
        pacing: { initialIntervalMs: access.paceMs, pageIntervalMs: access.paceMs },
        onProgress,
        sleep: (ms) => {
          onWait(ms);
          return systemClock.sleep(ms);
        },
      });
      return {
        trimmed: pull.plan.trimmedStart || pull.plan.trimmedEnd,
        [Symbol.asyncIterator]: () => pull[Symbol.asyncIterator](),
      };
    },
  };
}
