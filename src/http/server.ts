import express, { type Express, type RequestHandler, type Router } from 'express';
import type { WebexGoService } from '../domain/service.js';
import { errorHandler, sendError } from './errors.js';
import { esimRoutes } from './esimRoutes.js';
import { HTTP_MESSAGES } from '../render/messages/http.js';

/** What the store says of itself: `ok: false` (with why) while it cannot write or cannot be reached. */
export interface StoreState {
  ok?: boolean;
  [fact: string]: unknown;
}

/** A store that has not answered /healthz within this is reported unreachable: a load balancer must not wait on it. */
export const STORE_CHECK_TIMEOUT_MS = 2_000;

export interface HttpDeps {
  service: WebexGoService;
  esimProviderToken: string | undefined;
  version: string;
  /**
   * `ok: false` (with why) while the store cannot write. A store across the network answers a
   * promise (it asks the server): reachable is answering within STORE_CHECK_TIMEOUT_MS.
   */
  storeState: () => StoreState | Promise<StoreState>;
  /** How long /healthz waits for `storeState`; STORE_CHECK_TIMEOUT_MS unless a test shortens it. */
  storeCheckTimeoutMs?: number;
  /** Whether Webex answers and the webhooks are registered: `ready` and what explains it; absent, nothing to wait for. */
  webexState?: () => { ready: boolean };
  log: (line: string) => void;
  /** Runs before every route (the offline mode's loopback check). */
  guard?: RequestHandler;
  /** Further routes (the Webex webhook, the local Webex page), mounted before the 404. */
  mounts?: { path: string; router: Router }[];
}

/** The one express app: eSIM provider endpoints, health, and whatever the app mounts. */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.guard) app.use(deps.guard);
  app.get('/healthz', async (_req, res) => {
    const health = await readiness(deps);
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  app.use('/esim/v1', esimRoutes(deps.service, deps.esimProviderToken));
  for (const mount of deps.mounts ?? []) app.use(mount.path, mount.router);
  app.use((_req, res) => sendError(res, 404, 'not-found', HTTP_MESSAGES.notFound));
  app.use(errorHandler(deps.log));
  return app;
}

/**
 * What /healthz answers: `ok` (200) only when every part is ready; `failing` (503) while the store
 * cannot write or cannot be reached; `not-ready` (503) while Webex does not answer or the webhooks
 * are missing.
 */
async function readiness(deps: HttpDeps): Promise<{ status: 'ok' | 'failing' | 'not-ready'; version: string; store: StoreState; webex: { ready: boolean } }> {
  const webex = deps.webexState?.() ?? { ready: true };
  const store = await storeStateWithin(deps.storeState, deps.storeCheckTimeoutMs ?? STORE_CHECK_TIMEOUT_MS);
  const status = store.ok === false ? 'failing' : webex.ready ? 'ok' : 'not-ready';
  return { status, version: deps.version, store, webex };
}

/** The store's own answer, or `ok: false` saying it did not answer (in time). */
async function storeStateWithin(storeState: HttpDeps['storeState'], ms: number): Promise<StoreState> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<StoreState>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, failing: `the store did not answer within ${ms / 1000} s` }), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(storeState), late]);
  } catch (error) {
    return { ok: false, failing: `the store cannot be reached: ${((error as Error)?.message ?? String(error)).split('\n')[0]}` };
  } finally {
    clearTimeout(timer);
  }
}
