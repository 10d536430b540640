import express, { type Express, type RequestHandler, type Router } from 'express';
import type { WebexGoService } from '../domain/service.js';
import { errorHandler, sendError } from './errors.js';
import { esimRoutes } from './esimRoutes.js';
import { HTTP_MESSAGES } from '../render/messages/http.js';

export interface HttpDeps {
  service: WebexGoService;
  esimProviderToken: string | undefined;
  version: string;
  /** `ok: false` (with why) while the store cannot write: /healthz answers 503. */
  storeState: () => { ok?: boolean };
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
    const store = deps.storeState();
    const failing = store.ok === false;
    res.status(failing ? 503 : 200).json({ status: failing ? 'failing' : 'ok', version: deps.version, store });
  });
  app.use('/esim/v1', esimRoutes(deps.service, deps.esimProviderToken));
  for (const mount of deps.mounts ?? []) app.use(mount.path, mount.router);
  app.use((_req, res) => sendError(res, 404, 'not-found', HTTP_MESSAGES.notFound));
  app.use(errorHandler(deps.log));
  return app;
}
