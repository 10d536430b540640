/**
 * Connecting the bot to Webex, and knowing whether it is: start-up retries what fails for a
 * while (429 per Retry-After, 5xx and silence with backoff, bounded by the start timeout), then
 * ends either connected — Webex answers the bot token and both webhooks of the framework exist —
 * or not ready, saying why. A periodic re-check finishes a start that could not, puts back
 * webhooks that went missing or wrong, re-activates one Webex switched off, and notices a token
 * revoked at run time. `/healthz` reports it.
 *
 * The webhooks are owned here, not by the framework (see `keepFrameworkOffWebhooks`): several
 * instances behind one URL share them, each changes only what is missing or wrong, and none
 * deletes them when it stops.
 */
import { frameworkWebhookName, isFrameworkWebhookName, keepFrameworkOffWebhooks, retryFrameworkCalls, WebexStartError, type Framework } from './botAdapter.js';
import { WebexCallError, WebexClient } from './webexClient.js';

export type WebexAnswer = 'connecting' | 'answering' | 'refused' | 'unreachable';
export type WebhookState = 'unknown' | 'registered' | 'missing' | 'not-used';

export interface WebexReadiness {
  /** Webex answers the bot token and, in webhook mode, the webhooks are registered. */
  ready: boolean;
  webex: WebexAnswer;
  /** `not-used` in websocket mode. */
  webhooks: WebhookState;
  /** When `webex` or `webhooks` last changed (ISO 8601). */
  since: string;
  /** Why it is not ready, in Webex's words. */
  lastError?: string;
}

export interface StartupTimings {
  /** How long start-up waits for Webex before reporting not ready (and going on in the background). */
  startTimeoutMs: number;
  /** Deadline of one try of one call. */
  tryTimeoutMs: number;
  /** First wait after a 5xx or silence; doubles each try. */
  backoffMs: number;
  /** How often readiness is checked again once started. */
  recheckMs: number;
}

export const WEBEX_STARTUP_TIMINGS: StartupTimings = { startTimeoutMs: 30_000, tryTimeoutMs: 10_000, backoffMs: 500, recheckMs: 60_000 };

export interface ConnectionOptions extends StartupTimings {
  token: string;
  webhookUrl?: string | undefined;
  webhookSecret?: string | undefined;
  /** Where the Webex REST API is: the same base the SDK talks to. */
  apiBaseUrl: string;
  log: (line: string) => void;
  now?: () => Date;
}

interface RestWebhook {
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  status?: string;
  created?: string;
}

/** The two webhooks the framework registers: everything, and card submits. */
const FRAMEWORK_WEBHOOKS = [
  { resource: 'all', event: 'all' },
  { resource: 'attachmentActions', event: 'created' },
] as const;
/** Rounds of list-then-create: a create whose outcome is unknown is checked by listing again. */
const WEBHOOK_ROUNDS = 3;

/** A Webex answer that is not 2xx, shaped as the outgoing-call policy and `WebexClient` read it. */
class WebexAnswerError extends Error {
  constructor(
    readonly statusCode: number,
    readonly headers: Headers,
    readonly body: { message?: string },
  ) {
    super(`HTTP ${statusCode}`);
    this.name = 'WebexAnswerError';
  }
}

const TIMED_OUT = Symbol('timed out');

/** The promise's outcome, or TIMED_OUT after `ms` (the promise goes on). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Worth creating again after listing: the try may not have reached Webex, or failed there (5xx). */
function outcomeMayBeUnknown(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status === undefined || status >= 500;
}

export class WebexConnection {
  private answer: WebexAnswer = 'connecting';
  private webhooks: WebhookState;
  private since: Date;
  private lastError: string | undefined;
  /** `framework.start()`, once called and not failed; it may hang, so it is never called twice at once. */
  private frameworkStart: Promise<unknown> | undefined;
  private frameworkStarted = false;
  /** The framework found the spaces the bot is in, or gave up: a message arriving meanwhile may be dropped. */
  private frameworkSpaces: Promise<void> = Promise.resolve();
  private spacesDropped = false;
  private startingUp = true;
  private stopped = false;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;
  /** Every call start-up and the checks make, the framework's own included. */
  private readonly client: WebexClient;

  constructor(
    private readonly framework: Framework,
    private readonly options: ConnectionOptions,
    /** Called once, when the framework has started (it can take webhook events from then on). */
    private readonly onStarted: () => void,
  ) {
    this.now = options.now ?? (() => new Date());
    this.client = new WebexClient({ retries: 4, maxRetryAfterMs: 60_000, backoffMs: options.backoffMs, timeoutMs: options.tryTimeoutMs }, undefined, options.log);
    this.since = this.now();
    this.webhooks = options.webhookUrl ? 'unknown' : 'not-used';
  }

  readiness(): WebexReadiness {
    const ready = this.answer === 'answering' && (this.webhooks === 'registered' || this.webhooks === 'not-used');
    return {
      ready,
      webex: this.answer,
      webhooks: this.webhooks,
      since: this.since.toISOString(),
      ...(ready || this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /**
   * Connects, waiting at most the start timeout; then resolves, connected or not (`readiness()`
   * says which), and re-checks every `recheckMs`. Rejects only when Webex refuses the token.
   */
  async start(): Promise<void> {
    const late = (await within(this.run(), this.options.startTimeoutMs)) === TIMED_OUT;
    if (late && !this.readiness().ready && this.answer !== 'refused') {
      // It goes on in the background: a later answer still makes it ready.
      this.setState(
        this.answer === 'connecting' ? 'unreachable' : this.answer,
        this.webhooks === 'unknown' ? 'missing' : this.webhooks,
        this.lastError ?? `start-up did not finish within ${this.options.startTimeoutMs / 1000} s (still trying)`,
      );
    }
    this.startingUp = false;
    if (this.answer === 'refused') throw new WebexStartError("Webex refused WEBEX_BOT_TOKEN (check that it is the bot's access token)");
    this.timer = setInterval(() => void this.run(), this.options.recheckMs);
    this.timer.unref();
  }

  /** No more checks; a connect still running stops at its next step. */
  stop(): void {
    clearInterval(this.timer);
    this.startingUp = false;
    this.stopped = true;
  }

  /** One connect or check at a time; a re-check while one is still running is skipped. */
  private run(): Promise<void> {
    this.running ??= this.connect().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async connect(): Promise<void> {
    if (!(await this.checkIdentity()) || this.stopped) return;
    if (!this.frameworkStarted && !(await this.startFramework())) return;
    if (this.stopped) return;
    if (this.spacesDropped) {
      // The framework gave up finding its spaces at start: it finds them now.
      this.spacesDropped = false;
      this.framework.initialize().catch((error: unknown) => this.options.log(`finding the bot's spaces failed: ${messageOf(error)}`));
    }
    if (this.options.webhookUrl) await this.checkWebhooks(this.options.webhookUrl);
  }

  /** `GET people/me` with our own client: Webex answers, and accepts the token. */
  private async checkIdentity(): Promise<boolean> {
    try {
      await this.rest('look up the bot', 'GET', '/people/me');
      if (this.answer !== 'answering') this.setState('answering', this.webhooks);
      return true;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      this.setState(status === 401 || status === 403 ? 'refused' : 'unreachable', this.webhooks, messageOf(error));
      return false;
    }
  }

  private async startFramework(): Promise<boolean> {
    if (!this.frameworkStart) {
      this.frameworkStart = this.framework.start();
      if (this.options.webhookUrl) keepFrameworkOffWebhooks(this.framework);
      let spacesSettled: () => void = () => undefined;
      this.frameworkSpaces = new Promise<void>((resolve) => {
        spacesSettled = resolve;
        this.framework.once('initialized', () => resolve());
      });
      retryFrameworkCalls(this.framework, this.client, {
        dropping: () => this.startingUp,
        unread: (what, error) => this.options.log(`could not ${what}: ${messageOf(error)}`),
        gaveUp: (what, error, dropped) => {
          this.options.log(`the framework could not ${what}: ${messageOf(error)}`);
          this.spacesDropped ||= dropped;
          spacesSettled();
        },
      });
    }
    try {
      // Its own people/me may hang (the framework has no deadline): then it is waited for again at the next check.
      if ((await within(this.frameworkStart, this.options.startTimeoutMs)) === TIMED_OUT) {
        this.setState('unreachable', this.webhooks, `the Webex framework did not start within ${this.options.startTimeoutMs / 1000} s`);
        return false;
      }
    } catch (error) {
      this.frameworkStart = undefined;
      this.setState('unreachable', this.webhooks, messageOf(error));
      return false;
    }
    this.frameworkStarted = true;
    this.onStarted();
    await within(this.frameworkSpaces, this.options.startTimeoutMs);
    return true;
  }

  /**
   * Both framework webhooks exist for this URL, right and active. Of the bot's own webhooks (named
   * as the framework names them, at any host) it keeps one per kind, the same one on every
   * instance; repairs a kept one whose URL, name or secret is wrong or that Webex switched off
   * (`PUT`); deletes the rest (duplicates, another kind, a filter: `PUT` cannot change those);
   * creates what is missing. Nothing changes when all is right, so instances starting, checking
   * and stopping leave each other's webhooks alone.
   */
  private async checkWebhooks(webhookUrl: string): Promise<void> {
    const botEmail = this.framework.email ?? '';
    const name = frameworkWebhookName(webhookUrl, botEmail);
    const wanted = { name, targetUrl: webhookUrl, ...this.secret() };
    let failure: unknown;
    try {
      for (let round = 0; round < WEBHOOK_ROUNDS; round++) {
        const { items } = (await this.rest('list the webhooks', 'GET', '/webhooks?max=100')) as { items: RestWebhook[] };
        const bots = items.filter((w) => isFrameworkWebhookName(w.name, botEmail));
        const kept = FRAMEWORK_WEBHOOKS.map((kind) => bots.filter((w) => w.resource === kind.resource && w.event === kind.event && !w.filter).sort(byPreference(wanted))[0]);
        for (const extra of bots.filter((w) => !kept.includes(w))) {
          this.options.log(`deleting a webhook of this bot that is not one of its two (${extra.resource}/${extra.event} to ${extra.targetUrl})`);
          await this.rest('delete a stale webhook', 'DELETE', `/webhooks/${extra.id}`).catch(goneIsDone);
        }
        for (const [i, webhook] of kept.entries()) {
          const wrong = webhook && whatIsWrong(webhook, wanted);
          if (!webhook || !wrong) continue;
          this.options.log(`webhook ${webhook.resource}/${webhook.event}: ${wrong}: repairing it`);
          const answer = (await this.rest('repair a webhook', 'PUT', `/webhooks/${webhook.id}`, { ...wanted, status: 'active' })) as RestWebhook | undefined;
          kept[i] = answer?.id ? answer : { ...webhook, ...wanted, status: 'active' };
        }
        const missing = FRAMEWORK_WEBHOOKS.filter((_, i) => kept[i] === undefined);
        if (missing.length === 0) {
          // The framework takes only events named as its own webhook: it must know the ones kept here.
          [this.framework.webhook, this.framework.cardsWebhook] = kept as [RestWebhook, RestWebhook];
          if (this.webhooks !== 'registered') this.setState(this.answer, 'registered');
          return;
        }
        this.options.log(`webhooks missing (${missing.map((k) => k.resource).join(', ')}): creating them`);
        for (const kind of missing) {
          await this.rest('create a webhook', 'POST', '/webhooks', { ...wanted, ...kind }).catch((error: unknown) => {
            if (!outcomeMayBeUnknown(error)) throw error;
            failure = error;
          });
        }
      }
    } catch (error) {
      failure = error;
    }
    this.setState(this.answer, 'missing', failure === undefined ? 'the webhooks could not be registered' : messageOf(failure));
  }

  private secret(): { secret?: string } {
    return this.options.webhookSecret ? { secret: this.options.webhookSecret } : {};
  }

  private rest(what: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const { apiBaseUrl, token } = this.options;
    return this.client.call(
      what,
      async (signal) => {
        const response = await fetch(`${apiBaseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal,
        });
        const text = await response.text();
        const answer = text ? (JSON.parse(text) as unknown) : undefined;
        if (!response.ok) throw new WebexAnswerError(response.status, response.headers, (answer ?? {}) as { message?: string });
        return answer;
      },
      { method },
    );
  }

  /** Logs each change once: a token revoked at run time is one line, not one per check. */
  private setState(answer: WebexAnswer, webhooks: WebhookState, error?: string): void {
    const changed = answer !== this.answer || webhooks !== this.webhooks;
    this.answer = answer;
    this.webhooks = webhooks;
    if (error !== undefined) this.lastError = error;
    if (!changed) return;
    this.since = this.now();
    const state = this.readiness();
    if (state.ready) {
      this.lastError = undefined;
      this.options.log(`Webex connected${webhooks === 'registered' ? ', webhooks registered' : ''}`);
    } else if (answer === 'refused') {
      this.options.log("Webex not ready: Webex refused WEBEX_BOT_TOKEN (revoked, or not the bot's access token)");
    } else if (answer === 'unreachable' || webhooks === 'missing') {
      this.options.log(`Webex not ready (webex ${answer}, webhooks ${webhooks}): ${this.lastError ?? 'unknown'}`);
    }
  }
}

interface WantedWebhook {
  name: string;
  targetUrl: string;
  secret?: string;
}

/** What a `PUT` must put right on a webhook of the right kind; nothing when it is right. */
function whatIsWrong(webhook: RestWebhook, wanted: WantedWebhook): string | undefined {
  if (webhook.targetUrl !== wanted.targetUrl) return `it goes to ${webhook.targetUrl}`;
  if (webhook.name !== wanted.name) return 'it has the name of another URL';
  // Webex lists a webhook with its secret: one without, or another, fails our signature check.
  if (wanted.secret !== undefined && webhook.secret !== wanted.secret) return 'its secret is not WEBHOOK_SECRET';
  if (webhook.status !== undefined && webhook.status !== 'active') return `Webex marked it ${webhook.status}`;
  return undefined;
}

/**
 * Which of several webhooks of one kind to keep: one at this URL before one elsewhere, a right one
 * before one to repair, then the oldest. The order is total (ties by id), so every instance keeps
 * the same one.
 */
function byPreference(wanted: WantedWebhook): (a: RestWebhook, b: RestWebhook) => number {
  const rank = (w: RestWebhook) => (w.targetUrl === wanted.targetUrl ? 0 : 2) + (whatIsWrong(w, wanted) === undefined ? 0 : 1);
  return (a, b) => rank(a) - rank(b) || (a.created ?? '').localeCompare(b.created ?? '') || a.id.localeCompare(b.id);
}

/** A delete answered 404: another instance deleted it first. */
function goneIsDone(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 404) throw error;
}

function messageOf(error: unknown): string {
  if (error instanceof WebexCallError) return error.message;
  return ((error as Error)?.message ?? String(error)).split('\n')[0] ?? '';
}
