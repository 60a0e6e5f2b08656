import { expect, type Page, type TestInfo } from '@playwright/test';
import { join } from 'node:path';

/** Every page of the portal, in both languages, plus a missing one. */
export const PAGES = [
  '/',
  '/privacidad',
  '/denuncia',
  '/denuncia/formulario',
  '/denuncia/seguimiento',
  '/oficina',
  '/transparencia',
  '/transparencia/modulos',
  '/transparencia/denuncias',
  '/transparencia/datos',
  '/tramites',
  '/tramites/presentar-documento',
  '/tramites/consultar-expediente',
  '/tramites/mesa-de-partes',
  '/tramites/expediente',
  '/tramites/pagar-tributos',
  '/tributos',
  '/tramites/pedir-partida',
  '/tramites/partidas',
  '/tramites/partidas/solicitud',
  '/verificar',
  '/en',
  '/en/privacidad',
  '/en/denuncia',
  '/en/denuncia/formulario',
  '/en/denuncia/seguimiento',
  '/en/oficina',
  '/en/transparencia',
  '/en/transparencia/modulos',
  '/en/transparencia/denuncias',
  '/en/transparencia/datos',
  '/en/tramites',
  '/en/tramites/presentar-documento',
  '/en/tramites/consultar-expediente',
  '/en/tramites/mesa-de-partes',
  '/en/tramites/expediente',
  '/en/tramites/pagar-tributos',
  '/en/tributos',
  '/en/tramites/pedir-partida',
  '/en/tramites/partidas',
  '/en/tramites/partidas/solicitud',
  '/en/verificar',
  '/participacion',
  '/concejo',
  '/concejo/sesion?numero=015-2026',
  '/concejo/regidor?id=maria-paz',
  '/en/participacion',
  '/en/concejo',
  '/en/concejo/sesion?numero=016-2026',
  '/integridad',
  '/integridad/visitas',
  '/integridad/agendas',
  '/integridad/declaraciones',
  '/integridad/cotizaciones',
  '/integridad/alertas',
  '/en/integridad',
  '/en/integridad/visitas?q=pistas',
  '/en/integridad/declaraciones',
  '/en/integridad/cotizaciones',
  '/en/integridad/alertas',
  '/no-existe',
  '/en/no-existe',
];

/** Where screenshots go: outside test-results/, which each Playwright run empties. */
export const SHOTS = join(process.cwd(), 'screenshots');

export const jsEnabled = (testInfo: TestInfo) => testInfo.project.use.javaScriptEnabled !== false;

/**
 * Watches a page for what the portal promises never happens: a request to another origin, a
 * Content-Security-Policy violation, an uncaught error. Call `verify()` at the end of the test.
 */
export function watch(page: Page, baseURL: string, options: { missingPage?: string; allowedErrorsAt?: RegExp } = {}) {
  const origin = new URL(baseURL).origin;
  const foreignRequests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.origin !== origin) foreignRequests.push(request.url());
  });
  const missingPage = options.missingPage && new URL(options.missingPage, baseURL).href;
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // A page that does not exist answers 404, and Chromium reports that status as a console error.
    // The message's location is not always filled in (seen once in CI), so a 404 message is allowed
    // here and `verify()` checks that the only 404 response was the missing page itself.
    const isExpected404 = missingPage !== undefined && message.text().includes('404');
    // An error about a request names its URL either as the message's location or in its text.
    const allowed = options.allowedErrorsAt;
    const isAllowed = allowed !== undefined && (allowed.test(message.location().url) || allowed.test(message.text()));
    if (!isExpected404 && !isAllowed) problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const notFound: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) notFound.push(response.url());
  });
  return {
    verify() {
      if (missingPage) expect(notFound, 'responses with 404').toEqual([missingPage]);
      expect(foreignRequests, 'requests to other origins').toEqual([]);
      expect(problems, 'errors or CSP violations in the page').toEqual([]);
    },
  };
}

/**
 * Resolves once the page is interactive: the site script has shown the menu button, and the page's
 * islands, if it has any, are hydrated by its bundle (the script marks `<html data-islands>`).
 */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => {
    const toggle = document.querySelector('.site-nav__toggle');
    const islands = document.documentElement.dataset.islands;
    return toggle !== null && !toggle.hasAttribute('hidden') && (islands === 'none' || islands === 'hydrated');
  });
}
