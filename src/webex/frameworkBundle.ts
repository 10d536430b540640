/**
 * The framework and the Webex SDK as `npm start` loads them: one file that scripts/build.mjs
 * bundles (minified) into dist/vendor/node_modules/ (the SDK is ~2,000 CommonJS files; resolving and
 * reading each one was half of its load time), with V8's code cache of it written beside it by the
 * same build (compiling it was most of the other half). Run from the sources (tests, benches),
 * botAdapter.ts requires the packages from node_modules instead.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** What the bundle exports (its entry is in scripts/build.mjs). */
export interface FrameworkBundle {
  Framework: unknown;
  processEvent: unknown;
}

// Under a node_modules folder, as a dependency is: node warns of deprecated APIs (the SDK's
// `new Buffer()`) only when code outside node_modules calls them.
export const FRAMEWORK_BUNDLE = fileURLToPath(new URL('../vendor/node_modules/webex-framework.cjs', import.meta.url));
const CODE_CACHE = `${FRAMEWORK_BUNDLE}.v8cache`;

/**
 * Evaluates the bundle as CommonJS, compiled from its code cache when V8 accepts it (same V8, same
 * flags, same source length; otherwise V8 compiles the source as usual). Its `require` resolves
 * from where it is, so what it leaves outside (node's modules, `when`) comes from node_modules.
 */
function evaluate(withCache: boolean): { exports: FrameworkBundle; script: Script } {
  const source = readFileSync(FRAMEWORK_BUNDLE, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: FRAMEWORK_BUNDLE,
    ...(withCache && existsSync(CODE_CACHE) ? { cachedData: readFileSync(CODE_CACHE) } : {}),
  });
  const module = { exports: {} as FrameworkBundle };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(FRAMEWORK_BUNDLE), module, FRAMEWORK_BUNDLE, dirname(FRAMEWORK_BUNDLE));
  return { exports: module.exports, script };
}

let loaded: FrameworkBundle | undefined;

export function requireFrameworkBundle(): FrameworkBundle {
  loaded ??= evaluate(true).exports;
  return loaded;
}

/** The build's last step, in a node of its own: the cache then holds the functions loading ran too. */
export function writeFrameworkCodeCache(): void {
  writeFileSync(CODE_CACHE, evaluate(false).script.createCachedData());
}
