/**
 * The page itself, its own files under `/local/static/`, and the browser builds of the
 * libraries it uses under `/local/vendor/`, straight from node_modules.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { param } from '../http.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
const require = createRequire(import.meta.url);
const VENDOR: Record<string, string> = {
  'adaptivecards.min.js': require.resolve('adaptivecards/dist/adaptivecards.min.js'),
  'jsQR.js': require.resolve('jsqr/dist/jsQR.js'),
  // The ES module build (the package's "browser" export), imported by markdown.js.
  'markdown-it.mjs': fileURLToPath(import.meta.resolve('markdown-it/browser')),
};
// The email iframe (srcdoc) inherits this policy: its images may come from here only (no
// remote images, no tracking pixels), its inline styles work, and it runs no script at all
// (the iframe is sandboxed without allow-scripts). Links in it open in a new tab.
const PAGE_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "child-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function assetRoutes(): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.set('content-security-policy', PAGE_CSP);
    res.set('cache-control', 'no-cache');
    res.sendFile('index.html', { root: PUBLIC_DIR });
  });
  router.use('/local/static', express.static(PUBLIC_DIR, { index: false, cacheControl: true, maxAge: 0 }));
  router.get('/local/vendor/:file', (req, res, next) => {
    const path = VENDOR[param(req, 'file')];
    if (!path) return next();
    res.sendFile(path);
  });
  return router;
}
