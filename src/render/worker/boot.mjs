// The entry point of a render worker thread. Node 20 does not carry tsx's loader hooks into worker
// threads, so the worker loads its TypeScript through tsx's API (which works on any Node version).
import { tsImport } from 'tsx/esm/api';

await tsImport('./renderWorker.ts', import.meta.url);
