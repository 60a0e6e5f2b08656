import { expect, test, type Page } from '@playwright/test';
import { jsEnabled, waitForHydration } from './pages';

// The demo data set (seeded by `server --demo`) reproduces the municipality's published figures.
const NBSP = '\u00a0';

async function open(page: Page, path: string, withJs: boolean) {
  await page.goto(path);
  if (withJs) await waitForHydration(page);
}

/** Reads a number as the page writes it: `104 050`, `67,9 %`, `104,050`, `67.9%`. */
function parseLocalized(text: string, spanish: boolean): number {
  let cleaned = text.replace(/[%+\s\u00a0]/g, '').replace('−', '-');
  cleaned = spanish ? cleaned.replace(',', '.') : cleaned.replace(/,/g, '');
  return Number(cleaned);
}

/** Parses a CSV download (no quoted commas in the views we compare). */
function parseCsv(text: string): string[][] {
  return text.replace(/^\ufeff/, '').trim().split(/\r?\n/).map((line) => line.split(','));
}

test('filters are a plain form: choosing a period and a zone gives a shareable URL', async ({ page }, testInfo) => {
  const withJs = jsEnabled(testInfo);
  await open(page, '/transparencia', withJs);
  await page.getByLabel('Desde', { exact: true }).selectOption('2024-01');
  await page.getByLabel('Hasta', { exact: true }).selectOption('2024-05');
  await page.getByRole('button', { name: 'Aplicar filtros' }).click();
  await expect(page).toHaveURL(/desde=2024-01&hasta=2024-05/);
  await expect(page.locator('#figure-incidents')).toHaveText(`104${NBSP}050`);
  await expect(page.locator('#figure-previous')).toHaveText(`41${NBSP}687`);
  // +149.6 %: "+150 %" in the municipality's rounding.
  await expect(page.locator('#figure-change')).toHaveText(`+149,6${NBSP}%`);
  const patrol = page.locator('table[data-view="canal"] tr', { hasText: 'Patrullaje de serenazgo' });
  await expect(patrol.locator('td').nth(1)).toHaveText(`67,9${NBSP}%`);

  // A second filter keeps the first: the form carries the period along.
  if (withJs) await waitForHydration(page);
  await page.getByLabel('Zona', { exact: true }).selectOption('4');
  await page.getByRole('button', { name: 'Aplicar filtros' }).click();
  await expect(page).toHaveURL(/desde=2024-01&hasta=2024-05&zona=4/);
  const zoneFour = await page.locator('#figure-incidents').textContent();
  expect(parseLocalized(zoneFour!, true)).toBeLessThan(104050);
  await expect(page.getByLabel('Zona', { exact: true })).toHaveValue('4');
});

test('a wrong filter is named in an error summary and the others still apply', async ({ page }, testInfo) => {
  await open(page, '/transparencia?desde=2024-01&hasta=2023-01&canal=whatsapp', jsEnabled(testInfo));
  const summary = page.locator('.error-summary');
  await expect(summary).toContainText('El mes de inicio debe ser anterior al mes final');
  await expect(page.getByLabel('Canal', { exact: true })).toHaveValue('whatsapp');
});

test('each table equals its CSV download, row by row', async ({ page, request }, testInfo) => {
  await open(page, '/transparencia?desde=2024-01&hasta=2024-05', jsEnabled(testInfo));
  for (const view of ['canal', 'tipo', 'zona', 'mes']) {
    const table = page.locator(`table[data-view="${view}"]`);
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((cell) => cell.textContent ?? '')),
    );
    const href = await page.locator(`section[aria-labelledby="vista-${view}"] a[data-format="csv"]`).getAttribute('href');
    const response = await request.get(href!);
    expect(response.ok()).toBeTruthy();
    const csv = parseCsv(await response.text());
    const body = csv.slice(1);
    expect(body.length, `${view}: rows`).toBe(rows.length);
    rows.forEach((cells, index) => {
      const [, label, ...numbers] = body[index];
      expect(cells[0], `${view} row ${index}: label`).toBe(label);
      numbers.forEach((value, column) => {
        const shown = cells[column + 1];
        if (value === '') expect(shown).toBe('—');
        else expect(parseLocalized(shown, true), `${view} row ${index} column ${column}`).toBe(Number(value));
      });
    });
  }
});

test('the security modules page shows the published attentions', async ({ page }, testInfo) => {
  await open(page, '/en/transparencia/modulos', jsEnabled(testInfo));
  await expect(page.locator('#figure-incidents')).toHaveText('7,199');
  const table = page.locator('table[data-view="modulo"]');
  await expect(table.locator('tr', { hasText: 'Av. Jorge Chávez module' }).locator('td').first()).toHaveText('1,770');
  await expect(table.locator('tr', { hasText: 'Francisco de Zela park module' }).locator('td').first()).toHaveText('1,472');
  await expect(page.locator('table[data-view="tipo"] tr', { hasText: 'Inspection and enforcement' }).locator('td').nth(1)).toHaveText('52.7%');
  // Charts are images with a name and a description that lists the values.
  const chart = page.locator('.bar-chart[role="img"]').first();
  await expect(chart).toHaveAccessibleName(/By module/);
  await expect(chart).toHaveAccessibleDescription(/1,770/);
  // Its labels are text that wraps, not clipped drawing: the longest module name is whole.
  await expect(page.locator('.bar-chart__label', { hasText: 'Clorinda Matto de Turner park module' }).first()).toBeVisible();
});

test('complaint statistics show no count under 10, on the page or in the files', async ({ page, request }, testInfo) => {
  await open(page, '/transparencia/denuncias', jsEnabled(testInfo));
  await expect(page.locator('.rule')).toContainText('menor que 10');
  const counts = await page.locator('table td.num').allTextContents();
  expect(counts.length).toBeGreaterThan(0);
  for (const text of counts) {
    if (text === 'x') continue;
    expect(parseLocalized(text, true), `shown count ${text}`).toBeGreaterThanOrEqual(10);
  }
  for (const table of ['por-mes', 'por-categoria', 'tiempo-de-acuse']) {
    const csv = parseCsv(await (await request.get(`/datos/denuncias/${table}.csv`)).text());
    for (const row of csv.slice(1)) {
      for (const value of row.slice(2)) {
        if (value === 'x') continue;
        expect(Number(value), `${table}: ${row.join(',')}`).toBeGreaterThanOrEqual(10);
      }
    }
  }
});

test('the open data page describes its data sets for harvesters', async ({ page, request }, testInfo) => {
  await open(page, '/transparencia/datos', jsEnabled(testInfo));
  const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!);
  expect(jsonLd['@type']).toEqual(['Dataset', 'dcat:Dataset']);
  const download = jsonLd.distribution.find((d: { encodingFormat: string }) => d.encodingFormat === 'text/csv');
  expect(new URL(download.contentUrl).pathname).toBe('/datos/incidencias.csv');
  const datapackage = await (await request.get('/datos/datapackage.json')).json();
  expect(datapackage.resources[0].schema.primaryKey).toEqual(['id']);
});

test('the menu and section links load the statistics with the page, hydrated or not', async ({ page }, testInfo) => {
  const withJs = jsEnabled(testInfo);
  await open(page, '/', withJs);
  // On a phone the hydrated page folds the links behind the menu button.
  const menu = page.getByRole('button', { name: 'Menú' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('link', { name: 'Transparencia' }).click();
  await expect(page).toHaveURL(/\/transparencia$/);
  // The data come from the server with the page: a client-side navigation would have none.
  await expect(page.locator('#figure-incidents')).toHaveText(/^\d{1,3}(\u00a0\d{3})*$/);
  if (withJs) await waitForHydration(page);
  await page.getByRole('navigation', { name: 'Secciones de transparencia' }).getByRole('link', { name: 'Módulos' }).click();
  await expect(page).toHaveURL(/\/transparencia\/modulos$/);
  await expect(page.locator('#figure-incidents')).toHaveText(`7${NBSP}199`);
});
