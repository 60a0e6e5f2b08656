import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { PAGES, jsEnabled, waitForHydration } from './pages';

// WCAG 2.2 A and AA, the AAA rules axe has (among them 7:1 contrast for body text, as gob.pe asks),
// and axe's best practices.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag2aaa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

for (const path of PAGES) {
  test(`axe finds no violation on ${path}`, async ({ page, browser, viewport }, testInfo) => {
    if (!jsEnabled(testInfo)) {
      // axe is JavaScript, so it cannot run in a page without it. It checks instead exactly what a
      // browser without JavaScript shows: the server's HTML, with the portal's scripts blocked.
      const context = await browser.newContext({ viewport: viewport ?? undefined, javaScriptEnabled: true });
      await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
      page = await context.newPage();
    }
    await page.goto(path);
    if (jsEnabled(testInfo)) await waitForHydration(page);
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}

test('axe finds no violation with the phone menu unfolded', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'phone only');
  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Menú' }).click();
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
});

test('axe finds no violation on the report form showing its problems', async ({ page, browser, viewport }, testInfo) => {
  if (!jsEnabled(testInfo)) {
    // The server's answer to a refused plain form post, checked with the portal's scripts blocked.
    const context = await browser.newContext({ viewport: viewport ?? undefined, javaScriptEnabled: true });
    await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    page = await context.newPage();
  }
  await page.goto('/denuncia/formulario');
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await page.getByLabel('Correo electrónico').fill('rosa@ejemplo');
  await page.getByRole('button', { name: 'Enviar denuncia' }).click();
  await expect(page.getByRole('alert')).toContainText('Hay un problema');
  // Without JavaScript the answer is a new page: check it once its stylesheet has loaded, as goto does.
  await page.waitForLoadState('load');
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
