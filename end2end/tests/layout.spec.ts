// What a reader sees, page by page, at 360 px and 1280 px, with and without JavaScript: a screenshot of
// every page (kept in end2end/screenshots/ for a person to look at), and the checks a browser can
// make of the layout: one left edge for header, content and footer; no table cut off on a desktop;
// no control shown that cannot work.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PAGES, SHOTS, jsEnabled, waitForHydration } from './pages';


for (const path of PAGES) {
  test(`layout of ${path}`, async ({ page }, testInfo) => {
    const response = await page.goto(path);
    expect(response?.status()).toBeLessThan(path.includes('no-existe') ? 500 : 400);
    if (jsEnabled(testInfo)) await waitForHydration(page);

    const dir = join(SHOTS, testInfo.project.name);
    mkdirSync(dir, { recursive: true });
    const name = (path === '/' ? 'inicio' : path.slice(1).replaceAll('/', '_')) + '.png';
    // The picture is for people to look at, not an assertion. Chromium once answered "Unable to capture
    // screenshot" under load (a CI-like full run): one more try after a moment.
    await page.screenshot({ path: join(dir, name), fullPage: true }).catch(async () => {
      await page.waitForTimeout(1000);
      await page.screenshot({ path: join(dir, name), fullPage: true });
    });

    // One column: the portal's name, the page's heading and the footer's first line share a left edge.
    const left = async (selector: string) => (await page.locator(selector).first().boundingBox())!.x;
    const edges = [await left('.site-header__name'), await left('main h1'), await left('.site-footer__inner > *')];
    expect(Math.max(...edges) - Math.min(...edges), `left edges ${edges.join(', ')}`).toBeLessThanOrEqual(1);

    // On a desktop, no table is wider than the room it has (nothing to scroll to, nothing cut off).
    if (testInfo.project.name === 'desktop') {
      const overflowing = await page.locator('main table').evaluateAll((tables) =>
        tables
          .filter((table) => table.getBoundingClientRect().right > document.querySelector('main')!.getBoundingClientRect().right + 1)
          .map((table) => table.querySelector('caption')?.textContent ?? table.outerHTML.slice(0, 80)),
      );
      expect(overflowing, 'tables wider than the page').toEqual([]);
    }

    // Without JavaScript, every button on show can work: it sends its form.
    if (!jsEnabled(testInfo)) {
      const idle = await page.locator('button:visible').evaluateAll((buttons) =>
        (buttons as HTMLButtonElement[]).filter((b) => !(b.type === 'submit' && b.form)).map((b) => b.textContent?.trim()),
      );
      expect(idle, 'buttons that do nothing without JavaScript').toEqual([]);
    }
  });
}
