/** Debian's chromium through playwright-core, started so it never reaches for the network. */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');

const INSTALL = 'install Debian\'s chromium with: apt-get install chromium';

/**
 * Whether the browser tests can run. Without chromium they skip with a note saying how to
 * install it, except in CI (CI set), where a missing browser fails them: a green CI run must
 * have run them.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`No browser at ${CHROMIUM} and CI is set, so the browser tests cannot run: ${INSTALL} (.ci/run does).`);
  console.warn(`    skipped: no browser at ${CHROMIUM}; ${INSTALL}`);
  return false;
}

export async function launchChromium(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
  });
}
