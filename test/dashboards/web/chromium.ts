import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';
/** Where the browser tests keep their screenshots (git-ignored). */
export const artifacts = 'test-results';

/** Debian's Chromium, headless, through playwright-core; fails with how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No browser at ${chromiumPath}: the dashboard test drives Debian's chromium. Install it with ` +
        '`apt-get install chromium` (it is listed in .ci/apt-packages, which .ci/run installs).',
    );
  }
  await mkdir(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Waits until the page has finished a refresh newer than generation `after` (every panel answered). */
export const waitForGeneration = (p: Page, after: number) =>
  p.waitForFunction(
    (g) => {
      const main = document.getElementById('panels');
      return main?.dataset.state === 'ready' && Number(main.dataset.generation) > g;
    },
    after,
    { timeout: 30_000 },
  );
