import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import { WebhookDispatcher, webhookMatches } from './delivery.js';
import { JsonFile } from './persistence.js';
import { createRestRouter, sendError, type Fault, type RequestRecord } from './rest.js';
import { FakeWorld, type Snapshot } from './world.js';
import { OrgAdminApi, type ServiceAppSettings } from './org/adminApi.js';
import { SimulatedOrg } from './org/simulatedOrg.js';
import type { Change, Message } from './types.js';

export type * from './types.js';
export type { RequestRecord } from './rest.js';
export type { PostMessageInput, PressButtonInput } from './world.js';

export interface FakeWebexOptions {
  /** The one token the fake accepts; it belongs to the bot. */
  botToken: string;
  botEmail: string;
  botDisplayName: string;
  /** Keep everything (files too) in this JSON file across restarts; memory only without it. */
  dataFile?: string;
  /** Where failed webhook deliveries and persistence errors are reported (default: stderr). */
  log?: (line: string) => void;
  /** The org admin's token for the simulated org's admin APIs; without it, only `serviceApp` tokens get in. */
  orgAdminToken?: string;
  /** A Service App whose refresh token `POST /v1/access_token` accepts. */
  serviceApp?: ServiceAppSettings;
  /** How long a redeemed Webex Go device stays `activating` (default 1,500 ms; 0 connects at once). */
  orgActivatingMs?: number;
}

export interface FailureRule {
  /** HTTP method to match, any when omitted. */
  method?: string;
  /** A prefix of the request path (`/v1/messages` or `/messages`), or a RegExp tested on the `/v1/…` path. */
  path: string | RegExp;
  /** The status to answer with, or `'hang'`: the request is taken and never answered. */
  status: number | 'hang';
  /** Sent as the `Retry-After` header. */
  retryAfterSeconds?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Instead of `times`: every matching request fails for this long, an outage. */
  forMs?: number;
}

/** Kept requests; older ones are dropped so a long local session does not grow without bound. */
const MAX_RECORDED_REQUESTS = 5000;

/**
 * A fake Webex REST API for one bot, served on loopback, plus the people's side of Webex as a
 * programmatic API (add people, create spaces, write messages, press card buttons). The real
 * webex-node-bot-framework runs against it in webhook mode when HYDRA_SERVICE_URL points at
 * `<url>/v1` before the framework is first loaded.
 *
 * `reset()` forgets people, spaces, messages, recorded requests and pending failures but keeps
 * the bot and the registered webhooks, so a framework started once keeps working across tests.
 * `close()` ends the instance: it stops the server and deliveries and writes the data file.
 */
export class FakeWebex extends FakeWorld {
  /** The REST API under `/v1`, the org's admin APIs included; mount it on another express app to serve it from there. */
  readonly router: Router;
  /** The organization: Webex Go devices, licenses, its SM-DP+ (Control Hub's side of the local Webex). */
  readonly org: SimulatedOrg;
  /** The org's admin APIs (`failNext` for faults, `requestCount`). */
  readonly orgApi: OrgAdminApi;
  /** Every request under `/v1` (the org's admin APIs' too), oldest first. */
  readonly requests: RequestRecord[] = [];
  private readonly rules: Array<Required<Omit<FailureRule, 'retryAfterSeconds' | 'forMs'>> & Pick<FailureRule, 'retryAfterSeconds'> & { until?: number }> = [];
  private readonly dispatcher: WebhookDispatcher;
  private readonly file: JsonFile<Snapshot> | undefined;
  private server: Server | undefined;

  constructor(options: FakeWebexOptions) {
    const log = options.log ?? ((line: string) => console.error(`[fake-webex] ${line}`));
    const file = options.dataFile
      ? new JsonFile<Snapshot>(options.dataFile, (error) => log(`saving ${options.dataFile} failed: ${String(error)}`))
      : undefined;
    const stored = file?.load();
    super(options.botEmail, options.botDisplayName, stored);
    this.file = file;
    this.org = new SimulatedOrg({
      ...(stored?.org ? { snapshot: stored.org } : {}),
      ...(options.orgActivatingMs === undefined ? {} : { activatingMs: options.orgActivatingMs }),
    });
    const record = (request: RequestRecord) => {
      this.requests.push(request);
      if (this.requests.length > MAX_RECORDED_REQUESTS) this.requests.shift();
    };
    this.orgApi = new OrgAdminApi({
      org: this.org,
      directory: this,
      orgId: () => this.bot.orgId,
      record,
      takeFault: (method, path) => this.takeFault(method, path),
      ...(options.orgAdminToken ? { adminToken: options.orgAdminToken } : {}),
      ...(options.serviceApp ? { serviceApp: options.serviceApp } : {}),
    });
    this.org.on('change', (change) => {
      if (change.kind === 'revoked') this.cutOffLine(change.personId, change.iccid);
    });
    this.dispatcher = new WebhookDispatcher(log);
    this.on('webhookEvent', (event) => {
      for (const webhook of this.webhooks()) {
        if (webhookMatches(webhook, event, this.bot.id)) this.dispatcher.deliver(webhook, event);
      }
    });
    if (file) {
      this.on('change', () => file.save(() => this.snapshot()));
      this.org.on('change', () => file.save(() => this.snapshot()));
    }
    this.router = express.Router();
    this.router.use(this.orgApi.router);
    this.router.use(createRestRouter({
      world: this,
      botToken: options.botToken,
      record,
      takeFault: (method, path) => this.takeFault(method, path),
    }));
  }

  /** Serves the REST API; resolves with the base URL (`http://127.0.0.1:PORT`, no `/v1`). */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    if (this.server) throw new Error('FakeWebex is already listening');
    const app = express();
    app.disable('x-powered-by');
    app.use(this.router);
    app.use((_req, res) => sendError(res, 404, 'The requested resource could not be found.'));
    const server = app.listen(port, host);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address() as AddressInfo;
    const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `http://${hostInUrl}:${address.port}` };
  }

  /** Stops serving and delivering, and writes the data file. The instance is done afterwards. */
  async close(): Promise<void> {
    this.dispatcher.stop();
    this.org.close();
    const server = this.server;
    this.server = undefined;
    if (server) {
      // The SDK keeps connections alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    }
    await this.file?.flush();
  }

  /** Resolves when every webhook delivery queued so far has been attempted. */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /**
   * Makes the next `times` matching requests fail with `status` (after the token check), with
   * a Webex-style error body and, when given, `Retry-After`; or, for `'hang'`, never answer.
   */
  failNext(rule: FailureRule): void {
    const { path, status, retryAfterSeconds, forMs } = rule;
    const times = forMs === undefined ? rule.times ?? 1 : Infinity;
    const underV1 = typeof path !== 'string' || path === '/v1' || path.startsWith('/v1/');
    this.rules.push({
      method: rule.method?.toUpperCase() ?? '',
      path: underV1 ? path : `/v1${path}`,
      status,
      retryAfterSeconds,
      times,
      ...(forMs === undefined ? {} : { until: Date.now() + forMs }),
    });
  }

  /**
   * The first message, existing or future, that matches; rejects after `timeoutMs`. Edited
   * messages are tested again after each edit.
   */
  waitForMessage(predicate: (message: Message) => boolean, timeoutMs = 5000): Promise<Message> {
    const existing = this.messages().find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const onChange = (change: Change) => {
        if (change.kind === 'message' && change.action !== 'deleted' && predicate(change.message)) {
          finish();
          resolve(change.message);
        }
      };
      const timer = setTimeout(() => {
        finish();
        const recent = this.messages()
          .slice(-5)
          .map((m) => `${m.personEmail}: ${JSON.stringify(m.text ?? m.markdown ?? '(card or file)')}`);
        reject(
          new Error(
            `No matching message within ${timeoutMs} ms. Last messages:\n  ${recent.join('\n  ') || '(none)'}`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.off('change', onChange);
      };
      this.on('change', onChange);
    });
  }

  override reset(): void {
    this.requests.length = 0;
    this.rules.length = 0;
    this.orgApi.clearFaults();
    this.org.reset();
    super.reset();
  }

  override snapshot(): Snapshot {
    return { ...super.snapshot(), org: this.org.snapshot() };
  }

  /** The network cuts a line of the org's SM-DP+ off (Lost/stolen, deleted): the profile stays on the phone, dead. */
  private cutOffLine(personId: string, iccid: string): void {
    const email = this.personById(personId)?.emails[0];
    const phone = email ? this.phone(email) : undefined;
    if (!email || !phone?.line || phone.line.iccid !== iccid || phone.line.revokedAt) return;
    this.setPhone(email, { ...phone, line: { ...phone.line, revokedAt: new Date().toISOString() } });
  }

  private takeFault(method: string, path: string): Fault | undefined {
    // An outage that is over fails nothing more.
    const now = Date.now();
    for (let i = this.rules.length - 1; i >= 0; i--) if ((this.rules[i]!.until ?? Infinity) <= now) this.rules.splice(i, 1);
    const index = this.rules.findIndex(
      (rule) =>
        (rule.method === '' || rule.method === method) &&
        (typeof rule.path === 'string' ? path.startsWith(rule.path) : rule.path.test(path)),
    );
    if (index < 0) return undefined;
    const rule = this.rules[index]!;
    rule.times -= 1;
    if (rule.times <= 0) this.rules.splice(index, 1);
    return { status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
  }
}
