import { expect, test } from '@playwright/test';
import { PAGES, jsEnabled, watch } from './pages';

test.describe('every page', () => {
  for (const path of PAGES) {
    test(`${path} renders its content, loads nothing from elsewhere and raises no error`, async ({ page, baseURL }, testInfo) => {
      const missing = path.includes('no-existe');
      const watcher = watch(page, baseURL!, { missingPage: missing ? path : undefined });
      const response = await page.goto(path);
      expect(response!.status()).toBe(missing ? 404 : 200);
      await expect(page.locator('html')).toHaveAttribute('lang', path.startsWith('/en') ? 'en' : 'es-PE');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByRole('main')).toBeVisible();
      await expect(page.getByRole('contentinfo')).toBeVisible();
      // Nothing is wider than the screen, down to a 360 px phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
      // No cookie of any kind.
      expect(await page.context().cookies()).toEqual([]);
      if (jsEnabled(testInfo)) {
        await page.waitForLoadState('networkidle');
      }
      watcher.verify();
    });
  }
});

test('the language switch keeps the reader on the same page', async ({ page, baseURL }) => {
  const watcher = watch(page, baseURL!);
  await page.goto('/privacidad');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacidad y seguridad');
  await page.getByRole('link', { name: /English/ }).click();
  await expect(page).toHaveURL(/\/en\/privacidad$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and security');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('link', { name: /Español/ }).click();
  await expect(page).toHaveURL(/\/privacidad$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacidad y seguridad');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es-PE');
  watcher.verify();
});

test('the skip link is the first stop and moves focus to the main content', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Saltar al contenido principal' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#contenido$/);
  await expect(page.locator('main#contenido')).toBeFocused();
});
