/**
 * The folders are the architecture (../shared/design/architecture.md, summarised in the README):
 * inner folders never import outer ones, and each outer folder is the only one that knows its
 * outside thing. This reads every import under src/ and checks the arrows.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Which top-level folders each folder may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  calls: ['domain'],
  render: ['domain', 'calls', 'vendorBundle.ts'],
  net: [],
  bot: ['domain', 'render', 'calls'],
  store: ['domain'],
  mail: ['domain', 'render', 'bot'],
  http: ['domain', 'render'],
  webex: ['domain', 'bot', 'net', 'calls', 'vendorBundle.ts'],
  esim: ['domain'],
  localwebex: ['domain', 'calls', 'render', 'net', 'webex', 'mail', 'config.ts', 'app.ts'],
  'config.ts': ['domain'],
  'log.ts': ['domain'],
  'vendorBundle.ts': [],
  'app.ts': ['domain', 'bot', 'render', 'calls', 'net', 'store', 'mail', 'http', 'webex', 'esim', 'config.ts'],
  'index.ts': ['app.ts', 'config.ts', 'log.ts', 'store', 'webex', 'localwebex'],
};

/** Packages only one folder may load: the one that knows that outside thing. */
const PACKAGE_OWNERS: Record<string, readonly string[]> = {
  'webex-node-bot-framework': ['webex'],
  pino: ['log.ts'],
  adaptivecards: [],
  'adaptivecards-templating': ['render'],
  'intl-messageformat': ['render'],
  pdfkit: ['render'],
  qrcode: ['render'],
  nodemailer: ['mail'],
  lowdb: ['store'],
  pg: ['store'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'public' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|require\('([^']+)'\)/gm;

function importsOf(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const local: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = match[1] ?? match[2] ?? match[3];
    if (target.startsWith('.')) local.push(resolve(dirname(file), target.replace(/\.js$/, '.ts')));
    else if (!target.startsWith('node:')) packages.push(target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0]);
  }
  return { local, packages };
}

const layerOf = (file: string) => relative(SRC, file).split('/')[0];

describe('architecture', () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((file) => [file, importsOf(file)]));

  it('every folder imports only the folders its arrows allow', () => {
    const wrong: string[] = [];
    for (const [file, { local }] of graph) {
      const from = layerOf(file);
      assert.ok(ALLOWED[from], `src/${from} is not in the architecture: add it to ALLOWED and to the README's design notes`);
      for (const target of local) {
        const to = layerOf(target);
        if (to !== from && !ALLOWED[from].includes(to)) wrong.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('outside packages are loaded only by the folder that knows them', () => {
    const wrong: string[] = [];
    for (const [file, { packages }] of graph) {
      for (const name of packages) {
        const owners = PACKAGE_OWNERS[name];
        if (owners && !owners.includes(layerOf(file))) wrong.push(`${relative(SRC, file)} loads ${name}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file)?.local ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    assert.deepEqual(cycles, []);
  });
});
