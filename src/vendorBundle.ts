/**
 * Dependencies as `npm start` loads them: scripts/build.mjs bundles each of the large CommonJS ones
 * (minified) into one file under dist/vendor/node_modules/, with V8's code cache of it beside it,
 * written by the same build. The Webex framework and its SDK are ~2,000 files: resolving and reading
 * each one was half of their 660–850 ms load, compiling them most of the other half; bundled and
 * cached they load in ~200–300 ms. The card templating (with adaptive-expressions): ~40 ms instead
 * of ~140–170 ms. Run from the sources (tests, benches) there are no bundles, and the callers
 * require the packages from node_modules.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** The bundles the build makes (their entries are in scripts/build.mjs). */
export type VendorBundle = 'webex-framework' | 'adaptivecards-templating';

/** Compiled (dist/): the bundles exist. */
export const BUNDLED = !import.meta.url.endsWith('.ts');

// Under a node_modules folder, as a dependency is: node warns of deprecated APIs (the SDK's
// `new Buffer()`) only when code outside node_modules calls them.
const fileOf = (name: VendorBundle) => fileURLToPath(new URL(`./vendor/node_modules/${name}.cjs`, import.meta.url));

/**
 * Evaluates a bundle as CommonJS, compiled from its code cache when V8 accepts it (same V8, same
 * flags, same source length; otherwise V8 compiles the source as usual). Its `require` resolves
 * from where it is, so what it leaves outside (node's modules, `when`) comes from node_modules.
 */
function evaluate(name: VendorBundle, withCache: boolean): { exports: unknown; script: Script } {
  const file = fileOf(name);
  const cache = `${file}.v8cache`;
  const source = readFileSync(file, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(withCache && existsSync(cache) ? { cachedData: readFileSync(cache) } : {}),
  });
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}

const loaded = new Map<VendorBundle, unknown>();

export function requireBundle(name: VendorBundle): unknown {
  if (!loaded.has(name)) loaded.set(name, evaluate(name, true).exports);
  return loaded.get(name);
}

/** The build's last step, in a node of its own: the cache then holds the functions loading ran too. */
export function writeCodeCache(name: VendorBundle): void {
  writeFileSync(`${fileOf(name)}.v8cache`, evaluate(name, false).script.createCachedData());
}
