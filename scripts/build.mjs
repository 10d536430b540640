// Compiles src/ to dist/ for `npm start`; `npm install` runs it (the `prepare` script). Types are
// checked by `npm run typecheck`, not here.
//
// Each program (the app, the render worker, the store's recovery, the code cache writer) is bundled into one file with what it imports from src/ (dependencies stay in
// node_modules), so start-up does not resolve and read ~150 modules one by one; code loaded only
// when used (the PostgreSQL store) goes in a file of its own. The paths the code computes from
// import.meta.url (cards/, package.json, the page's public/ files, the worker) are those of the
// per-file layout under dist/ (`dist/render/cards/renderCard.js` for src/render/cards/renderCard.ts),
// as from src/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

/** Rewrites a source file's import.meta.url to the URL the file has in the per-file layout, seen from `outDir`. */
const perFileUrls = (outDir) => ({
  name: 'per-file-urls',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, (args) => {
      let path = relative(outDir, join(dist, relative(src, args.path).replace(/\.ts$/, '.js')));
      if (!path.startsWith('.')) path = `./${path}`;
      const contents = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', `new URL(${JSON.stringify(path)}, import.meta.url).href`);
      return { contents, loader: 'ts' };
    });
  },
});

/** One program; the app's own lazily loaded parts become files of their own beside it (`split`). */
const program = (entry, { split = false } = {}) => {
  const out = join(dist, entry.replace(/\.ts$/, '.js'));
  return build({
    entryPoints: [join(src, entry)],
    ...(split ? { outdir: dirname(out), splitting: true } : { outfile: out }),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [perFileUrls(dirname(out))],
  });
};

rmSync(dist, { recursive: true, force: true });
await Promise.all([
  program('index.ts', { split: true }),
  program('render/worker/renderWorker.ts'),
  program('store/recover.ts'),
  program('vendorBundle.ts'),
]);
// The local Webex page serves these files as they are.
cpSync(join(src, 'localwebex/page/public'), join(dist, 'localwebex/page/public'), { recursive: true });

// The large CommonJS dependencies, each in one file with V8's code cache of it: see src/vendorBundle.ts.
const VENDOR = {
  'webex-framework': {
    contents: "module.exports = { Framework: require('webex-node-bot-framework'), processEvent: require('webex-node-bot-framework/lib/process-event') };",
    // `when` hands its files `require` as a function argument (AMD style), which a bundler cannot follow.
    external: ['when', 'when/*'],
  },
  'adaptivecards-templating': { contents: "module.exports = require('adaptivecards-templating');", external: [] },
};
await Promise.all(
  Object.entries(VENDOR).map(([name, { contents, external }]) =>
    build({
      stdin: { contents, resolveDir: root, loader: 'js' },
      bundle: true,
      outfile: join(dist, `vendor/node_modules/${name}.cjs`),
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external,
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'error',
    }),
  ),
);
const writeCaches = `const { writeCodeCache } = await import('./dist/vendorBundle.js'); for (const name of ${JSON.stringify(Object.keys(VENDOR))}) writeCodeCache(name);`;
execFileSync(process.execPath, ['--input-type=module', '-e', writeCaches], { cwd: root, stdio: 'inherit' });
