import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from './config.js';
import type { Clock, EsimProvider } from './domain/ports.js';
import { WebexGoService } from './domain/service.js';
import { createBuiltinEsimProvider } from './esim/builtinProvider.js';
import { createHttpApp } from './http/server.js';
import type { LowdbRepository } from './store/lowdbRepository.js';

export interface AppDeps {
  config: Config;
  repo: LowdbRepository;
  version: string;
  log: (line: string) => void;
  clock?: Clock;
  esim?: EsimProvider;
}

export interface App {
  service: WebexGoService;
  http: Express;
  /** Starts listening; resolves with the bound port. */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/** Builds everything and starts nothing, so tests can build it with fakes. */
export function createApp(deps: AppDeps): App {
  const service = new WebexGoService({
    repo: deps.repo,
    clock: deps.clock ?? (() => new Date()),
    esim: deps.esim ?? createBuiltinEsimProvider(),
    newId: randomUUID,
  });
  const http = createHttpApp({
    service,
    esimProviderToken: deps.config.esimProviderToken,
    version: deps.version,
    storeState: () => deps.repo.describe(),
    log: deps.log,
  });
  let server: Server | undefined;
  return {
    service,
    http,
    start: () =>
      new Promise((resolve, reject) => {
        const listening = http.listen(deps.config.port, () => {
          const address = listening.address();
          resolve({ port: typeof address === 'object' && address ? address.port : deps.config.port });
        });
        listening.once('error', reject);
        server = listening;
      }),
    stop: async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await deps.repo.close();
    },
  };
}
