// Compiles src/ to dist/ for `npm start`; `npm install` runs it (the `prepare` script). Each file is
// compiled on its own into the same layout, so the paths the code computes from import.meta.url
// (cards/, package.json, the page's public/ files) hold from dist/ as from src/. Types are checked
// by `npm run typecheck`, not here.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = `${root}dist`;

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [`${root}src/**/*.ts`],
  outdir: dist,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
// The local Webex page serves these files as they are.
cpSync(`${root}src/localwebex/page/public`, `${dist}/localwebex/page/public`, { recursive: true });

// The framework and the Webex SDK in one file, with V8's code cache of it: see src/webex/frameworkBundle.ts.
await build({
  stdin: {
    contents: "module.exports = { Framework: require('webex-node-bot-framework'), processEvent: require('webex-node-bot-framework/lib/process-event') };",
    resolveDir: root,
    loader: 'js',
  },
  bundle: true,
  outfile: `${dist}/vendor/node_modules/webex-framework.cjs`,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // `when` hands its files `require` as a function argument (AMD style), which a bundler cannot follow.
  external: ['when', 'when/*'],
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'error',
});
execFileSync(process.execPath, ['--input-type=module', '-e', "(await import('./dist/webex/frameworkBundle.js')).writeFrameworkCodeCache();"], { cwd: root, stdio: 'inherit' });
