import { expect, test } from '@playwright/test';
import { waitForHydration, watch } from './pages';

test.describe('with JavaScript, after the WASM has loaded', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'needs JavaScript');

  test('the menu button folds and unfolds the navigation on a phone', async ({ page, baseURL }, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'the menu folds only on narrow screens');
    const watcher = watch(page, baseURL!);
    await page.goto('/');
    // Only the hydrated page has a menu button: it is the WASM that shows it and folds the links.
    await waitForHydration(page);
    const menu = page.getByRole('button', { name: 'Menú' });
    const privacyLink = page.getByRole('navigation').getByRole('link', { name: 'Privacidad y seguridad' });
    await expect(menu).toBeVisible();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(privacyLink).toBeHidden();

    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(privacyLink).toBeVisible();

    // Keyboard too: Enter on the focused button folds the links again.
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(privacyLink).toBeHidden();

    // Navigating from the unfolded menu happens in the page, without a new document.
    await menu.click();
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await privacyLink.click();
    await expect(page).toHaveURL(/\/privacidad$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacidad y seguridad');
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    watcher.verify();
  });

  test('on a wide screen the links show and the button does not', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'wide screens only');
    await page.goto('/');
    await waitForHydration(page);
    await expect(page.getByRole('button', { name: 'Menú' })).toBeHidden();
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Privacidad y seguridad' })).toBeVisible();
  });
});

test.describe('without JavaScript', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled !== false, 'JavaScript disabled only');

  test('no dead menu button, and every navigation link is there', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Menú' })).toBeHidden();
    const navigation = page.getByRole('navigation');
    await expect(navigation.getByRole('link', { name: 'Inicio' })).toBeVisible();
    await navigation.getByRole('link', { name: 'Privacidad y seguridad' }).click();
    await expect(page).toHaveURL(/\/privacidad$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacidad y seguridad');
  });
});
