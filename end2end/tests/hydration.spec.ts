import { expect, test } from '@playwright/test';
import { waitForHydration, watch } from './pages';

test.describe('with JavaScript, after the WASM has loaded', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'needs JavaScript');

  test('the menu button folds and unfolds the navigation on a phone', async ({ page, baseURL }, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'the menu folds only on narrow screens');
    const watcher = watch(page, baseURL!);
    await page.goto('/');
    // Only a page whose script runs has a menu button: the site script shows it and folds the links.
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

test.describe('navigation without full loads, and each page with only its own WebAssembly', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'needs JavaScript');

  test('from the home page to the statistics and a filtered view, the figures arrive in the same document', async ({ page, baseURL }) => {
    const watcher = watch(page, baseURL!);
    const documents: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'document') documents.push(request.url());
    });
    await page.goto('/');
    await waitForHydration(page);
    documents.length = 0;
    await page.evaluate(() => ((window as any).__sameDocument = true));

    const menu = page.getByRole('button', { name: 'Menú' });
    if (await menu.isVisible()) await menu.click();
    await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Transparencia' }).click();
    await expect(page).toHaveURL(/\/transparencia$/);
    await expect(page.locator('#figure-incidents')).toHaveText(/^\d{1,3}(\u00a0\d{3})*$/);
    await expect(page).toHaveTitle(/^Estadísticas de seguridad ciudadana/);
    // Focus goes to the new content, as after a full load a screen reader starts there.
    await expect(page.locator('main')).toBeFocused();

    await page.getByLabel('Desde', { exact: true }).selectOption('2024-01');
    await page.getByLabel('Hasta', { exact: true }).selectOption('2024-05');
    await page.getByRole('button', { name: 'Aplicar filtros' }).click();
    await expect(page).toHaveURL(/desde=2024-01&hasta=2024-05/);
    await expect(page.locator('#figure-incidents')).toHaveText('104\u00a0050');

    // Back goes to the unfiltered figures, still in the same document.
    await page.goBack();
    await expect(page).toHaveURL(/\/transparencia$/);
    await expect(page.getByLabel('Desde', { exact: true })).not.toHaveValue('2024-01');

    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(documents, 'full page loads').toEqual([]);
    watcher.verify();
  });

  test('a page with no interactive part loads no WebAssembly; the report and follow-up pages load only their own', async ({ page }) => {
    const wasm: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('.wasm')) wasm.push(new URL(request.url()).pathname);
    });
    const bundleOf = async (path: string) => {
      wasm.length = 0;
      await page.goto(path);
      await waitForHydration(page);
      return wasm.map((file) => file.split('/').pop()!.split('.')[0]);
    };
    for (const path of ['/', '/privacidad', '/denuncia', '/oficina', '/transparencia', '/transparencia/modulos', '/transparencia/denuncias', '/transparencia/datos', '/en/transparencia']) {
      expect(await bundleOf(path), path).toEqual([]);
    }
    expect(await bundleOf('/denuncia/formulario')).toEqual(['report-form']);
    await expect(page.locator('#encryption-mode')).toHaveClass(/notice--secure/);
    expect(await bundleOf('/denuncia/seguimiento')).toEqual(['follow-up']);
    await expect(page.getByRole('button', { name: 'Consultar' })).toBeEnabled();
  });

  test('moving to the report form without a full load still hydrates it with its bundle', async ({ page, baseURL }) => {
    const watcher = watch(page, baseURL!);
    await page.goto('/denuncia');
    await waitForHydration(page);
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.getByRole('link', { name: 'Empezar la denuncia' }).click();
    await expect(page).toHaveURL(/\/denuncia\/formulario$/);
    await waitForHydration(page);
    await expect(page.locator('#encryption-mode')).toHaveClass(/notice--secure/);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    watcher.verify();
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
