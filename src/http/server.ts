import express, { type Express, type RequestHandler, type Router } from 'express';
import type { WebexGoService } from '../domain/service.js';
import { errorHandler, sendError } from './errors.js';
import { esimRoutes } from './esimRoutes.js';
import { HTTP_MESSAGES } from '../render/messages/http.js';

export interface HttpDeps {
  service: WebexGoService;
  esimProviderToken: string | undefined;
  version: string;
  /** `ok: false` (with why) while the store cannot write. */
  storeState: () => { ok?: boolean; [fact: string]: unknown };
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
  app.get('/healthz', (_req, res) => {
    const health = readiness(deps);
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
 * cannot write; `not-ready` (503) while Webex does not answer or the webhooks are missing.
 */
function readiness(deps: HttpDeps): { status: 'ok' | 'failing' | 'not-ready'; version: string; store: unknown; webex: { ready: boolean } } {
  const webex = deps.webexState?.() ?? { ready: true };
  const store = deps.storeState();
  const status = store.ok === false ? 'failing' : webex.ready ? 'ok' : 'not-ready';
  return { status, version: deps.version, store, webex };
}
