// The anti-corruption button end to end: what the reporter types and attaches never leaves the browser
// unencrypted (JavaScript path), is never stored or logged in plaintext (both paths), and the office
// opens it with the reference age CLI, byte for byte.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import {
  E2E_DIR,
  attachments,
  findStoredReport,
  fragments,
  leaks,
  recordingProxy,
  secrets,
  serverLog,
  sha256,
  sparseFile,
  storedBytes,
} from './report-support';
import { watch, waitForHydration } from './pages';

/** A directory for this test's files, under Playwright's output (removed before each run). */
function scratchDir(testInfo: TestInfo): string {
  const dir = testInfo.outputPath('scratch');
  mkdirSync(dir, { recursive: true });
  return dir;
}

test.skip(!E2E_DIR, 'needs PORTAL_E2E_DIR: run through scripts/test, which owns the server and its data');

async function fillReport(page: Page, s: ReturnType<typeof secrets>, files: string[]) {
  await page.getByLabel('¿Qué pasó?').fill(s.description);
  await page.getByLabel('Tipo de hecho').selectOption('soborno');
  await page.getByLabel('Oficina o funcionario involucrado (opcional)').fill(s.involved);
  await page.getByLabel('Lugar (opcional)').fill(s.place);
  await page.getByLabel('Fecha aproximada (opcional)').fill(s.date);
  await page.getByLabel('Archivos (opcional)').setInputFiles(files);
  await page.getByLabel('Quiero dar mis datos a la Oficina de Integridad').check();
  await page.getByLabel('Nombres').fill(s.names);
  await page.getByLabel('Apellidos').fill(s.surnames);
  await page.getByLabel('Teléfono').fill(s.phone);
  await page.getByLabel('Correo electrónico').fill(s.email);
  await page.getByRole('radio', { name: 'Sí' }).check();
}

function checkOpenedReport(stored: NonNullable<ReturnType<typeof findStoredReport>>, s: ReturnType<typeof secrets>, files: string[], encryptedIn: string) {
  expect(stored.encryptedIn).toBe(encryptedIn);
  expect(stored.keyIds).toEqual(['demo']);
  const report = stored.report;
  expect(report.format).toBe('miraflores-portal/report');
  expect(report.version).toBe(1);
  expect(report.encrypted_in).toBe(encryptedIn);
  expect(report.category).toBe('soborno');
  expect(report.description).toBe(s.description);
  expect([report.involved, report.place, report.approximate_date]).toEqual([s.involved, s.place, s.date]);
  expect(report.identity).toEqual({ names: s.names, surnames: s.surnames, phone: s.phone, email: s.email, lives_in_district: true });
  expect(report.attachments.map((a: any) => a.name)).toEqual(files.map((f) => f.split('/').pop()));
  expect(stored.attachments.length).toBe(files.length);
  files.forEach((file, i) => {
    const original = readFileSync(file);
    expect(stored.attachments[i].bytes.equals(original), `attachment ${i} decrypts to the original bytes`).toBe(true);
    expect(report.attachments[i].size).toBe(original.length);
    expect(report.attachments[i].ciphertext_sha256).toBe(sha256(readFileSync(stored.attachments[i].path)));
  });
}

/** Nothing readable was stored or logged; the stored report opens with age and matches what was sent. */
function checkStoredSafely(needles: Buffer[], s: ReturnType<typeof secrets>, files: string[], scratch: string, encryptedIn: string) {
  expect(leaks(storedBytes(), needles), 'plaintext in the database or objects').toEqual([]);
  expect(leaks(serverLog(), needles), 'plaintext in the server log').toEqual([]);
  // Submissions are not in the request log at all: the log's timestamps would date them.
  expect(serverLog().toString('utf8')).not.toMatch(/\/api\/(reports|uploads)|\/denuncia\/enviar/);
  const stored = findStoredReport(s.description, scratch);
  expect(stored, 'the report is stored and opens with age').toBeDefined();
  checkOpenedReport(stored!, s, files, encryptedIn);
  return stored!;
}

test.describe('with JavaScript: encrypted in the browser', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'the browser path needs JavaScript');

  test('only ciphertext leaves the page; the age CLI opens it byte for byte', async ({ page, baseURL }, testInfo) => {
    test.setTimeout(120_000);
    const scratch = scratchDir(testInfo);
    // The connection drops half-way through the third slice: the page must resume, not start over.
    let slices = 0;
    const proxy = await recordingProxy(baseURL!, (r) => r.method === 'PUT' && ++slices === 3);
    const s = secrets(`js${testInfo.project.name}`);
    const files = attachments(scratch, `js${testInfo.project.name}`);
    // Chromium logs the cut slice and the answer to its resumption (409: "I hold this much") as errors.
    const watcher = watch(page, proxy.url, { allowedErrorsAt: /\/api\/uploads\// });
    try {
      await page.goto(`${proxy.url}/denuncia/formulario`);
      await waitForHydration(page);
      await expect(page.locator('#encryption-mode')).toContainText('Cifrado en su dispositivo');
      await fillReport(page, s, files);
      await page.getByRole('button', { name: 'Enviar denuncia' }).click();
      await expect(page.getByRole('heading', { name: 'Denuncia recibida', level: 1 })).toBeVisible({ timeout: 90_000 });
      const receipt = (await page.locator('#receipt-number').textContent()) ?? '';
      expect(receipt).toMatch(/^\d{4}(-\d{4}){6}$/);

      const needles = fragments([...Object.values(s), receipt, receipt.replaceAll('-', '')], files);
      const sent = proxy.recorded.filter((r) => r.method !== 'GET');
      const names = sent.map((r) => `${r.method} ${r.url.replace(/\/api\/uploads\/[^/]+\//, '/api/uploads/ID/')}`);
      expect(names.slice(0, 2)).toEqual(['POST /api/reports/challenge', 'POST /api/uploads']);
      expect(names.at(-1)).toBe('POST /api/reports');
      const slicesSent = sent.slice(2, -1);
      for (const name of names.slice(2, -1)) expect(name).toMatch(/^PUT \/api\/uploads\/ID\/[01]\?offset=\d+$/);
      // Each request carries one encrypted slice (1 MiB of the file and its age overhead), never the
      // whole file: the page holds one slice at a time.
      for (const slice of slicesSent) expect(slice.body.length).toBeLessThanOrEqual(1024 * 1024 + 16 * 17 + 256);
      expect(slicesSent.filter((r) => r.cut).length, 'the proxy cut one slice').toBe(1);
      const resumed = slicesSent.slice(slicesSent.findIndex((r) => r.cut) + 1);
      expect(resumed[0].url, 'the page resumes the cut slice').toBe(slicesSent.find((r) => r.cut)!.url);
      expect(slicesSent.filter((r) => !r.cut).every((r) => r.status === 200 || r.status === 409)).toBe(true);
      for (const request of proxy.recorded) {
        expect(leaks(Buffer.from(request.url), needles), `plaintext in URL ${request.url}`).toEqual([]);
        expect(leaks(request.body, needles), `plaintext in the body of ${request.method} ${request.url}`).toEqual([]);
      }
      const stored = checkStoredSafely(needles, s, files, scratch, 'browser');
      // What the server stored is exactly what the page sent, slice after slice, resumed where it was cut.
      files.forEach((_, index) => {
        const object = readFileSync(stored.attachments[index].path);
        const answered = slicesSent.filter((r) => r.url.includes(`/${index}?`) && r.status === 200);
        let offset = 0;
        for (const slice of answered) {
          const at = Number(new URL(slice.url, 'http://x').searchParams.get('offset'));
          expect(slice.body.equals(object.subarray(at, at + slice.body.length))).toBe(true);
          offset = Math.max(offset, at + slice.body.length);
        }
        expect(offset).toBe(object.length);
      });
      watcher.verify();
    } finally {
      await proxy.close();
    }
  });
});

test.describe('without JavaScript: the plain form, encrypted on the server', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled !== false, 'the no-JavaScript project covers this path');

  test('the page says the server encrypts; nothing is stored or logged in plaintext; age opens it', async ({ page, baseURL }, testInfo) => {
    test.setTimeout(120_000);
    const scratch = scratchDir(testInfo);
    const s = secrets('nojs');
    const files = attachments(scratch, 'nojs', 3);
    const proxy = await recordingProxy(baseURL!);
    const watcher = watch(page, proxy.url);
    await page.goto(`${proxy.url}/denuncia/formulario`);
    await expect(page.locator('#encryption-mode')).toContainText('Cifrado en el servidor');
    await fillReport(page, s, files);
    await page.getByRole('button', { name: 'Enviar denuncia' }).click();
    await expect(page.getByRole('heading', { name: 'Denuncia recibida', level: 1 })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText('Su denuncia se cifró en el servidor')).toBeVisible();
    const receipt = (await page.locator('#receipt-number').textContent()) ?? '';
    expect(receipt).toMatch(/^\d{4}(-\d{4}){6}$/);
    const download = page.getByRole('link', { name: 'Descargar recibo' });
    expect(decodeURIComponent((await download.getAttribute('href')) ?? '')).toContain(receipt);

    const needles = fragments([...Object.values(s), receipt, receipt.replaceAll('-', '')], files);
    // A control for the browser-path test: this path sends plaintext by design, and the same detector
    // finds it in the recorded form post.
    const post = proxy.recorded.find((r) => r.method === 'POST' && r.url === '/denuncia/enviar');
    expect(leaks(post!.body, needles).length, 'the leak detector sees plaintext when it is there').toBeGreaterThan(10);
    await proxy.close();
    checkStoredSafely(needles, s, files, scratch, 'server');
    watcher.verify();
  });

  test('a refused form keeps every typed value, summarises the problems and stores nothing', async ({ page }, testInfo) => {
    const place = secrets('refused-nojs').place;
    await page.goto('/denuncia/formulario');
    await page.getByLabel('Lugar (opcional)').fill(place);
    await page.getByLabel('Correo electrónico').fill('rosa@ejemplo');
    await page.getByRole('button', { name: 'Enviar denuncia' }).click();
    const summary = page.getByRole('alert');
    await expect(summary).toContainText('Hay un problema');
    await expect(summary.getByRole('link', { name: 'Escriba qué pasó' })).toHaveAttribute('href', '#description');
    await expect(summary.getByRole('link', { name: 'Elija el tipo de hecho' })).toBeVisible();
    await expect(page.getByLabel('Lugar (opcional)')).toHaveValue(place);
    await expect(page.getByLabel('Correo electrónico')).toHaveValue('rosa@ejemplo');
    await expect(page.getByLabel('¿Qué pasó?')).toHaveAttribute('aria-invalid', 'true');
    expect(findStoredReport(place, scratchDir(testInfo)), 'nothing was stored').toBeUndefined();
    expect(leaks(storedBytes(), [Buffer.from(place)])).toEqual([]);
  });
});

test.describe('with JavaScript: problems are caught before anything is sent', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'the browser path needs JavaScript');

  test('a missing description and an oversized file are reported; nothing is sent or stored', async ({ page, baseURL }, testInfo) => {
    const proxy = await recordingProxy(baseURL!);
    try {
      const place = secrets('refused-js').place;
      const scratch = scratchDir(testInfo);
      await page.goto(`${proxy.url}/denuncia/formulario`);
      await waitForHydration(page);
      await page.getByLabel('Lugar (opcional)').fill(place);
      await page.getByLabel('Tipo de hecho').selectOption('nepotismo');
      // 101 MiB: over the 100 MB limit once encrypted. A sparse file keeps the test fast.
      await page.getByLabel('Archivos (opcional)').setInputFiles(sparseFile(scratch, 'grande.mp4', 101));
      await page.getByRole('button', { name: 'Enviar denuncia' }).click();
      const summary = page.getByRole('alert');
      await expect(summary).toContainText('Escriba qué pasó');
      await expect(summary).toContainText('Cada archivo puede pesar como máximo 100 MB');
      await expect(summary).toBeFocused();
      await summary.getByRole('link', { name: 'Escriba qué pasó' }).click();
      await expect(page.getByLabel('¿Qué pasó?')).toBeFocused();
      await expect(page.getByLabel('Lugar (opcional)')).toHaveValue(place);
      await expect(page.getByLabel('Tipo de hecho')).toHaveValue('nepotismo');
      expect(proxy.recorded.filter((r) => r.method !== 'GET'), 'nothing was sent').toEqual([]);
      expect(findStoredReport(place, scratch), 'nothing was stored').toBeUndefined();
    } finally {
      await proxy.close();
    }
  });
});

test.describe('JavaScript on but WebAssembly off (Tor Browser at "Safer")', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'needs JavaScript without WebAssembly');

  test('the form falls back to the plain post and says the server encrypts', async ({ browser, viewport }, testInfo) => {
    const context = await browser.newContext({ viewport: viewport ?? undefined });
    await context.route(/\/pkg\/.*\.wasm$/, (route) => route.abort());
    const page = await context.newPage();
    const s = secrets('nowasm');
    await page.goto('/denuncia/formulario');
    await expect(page.locator('#encryption-mode')).toContainText('Cifrado en el servidor');
    await page.getByLabel('¿Qué pasó?').fill(s.description);
    await page.getByLabel('Tipo de hecho').selectOption('colusion');
    await page.getByRole('button', { name: 'Enviar denuncia' }).click();
    await expect(page.getByRole('heading', { name: 'Denuncia recibida', level: 1 })).toBeVisible();
    await expect(page.getByText('Su denuncia se cifró en el servidor')).toBeVisible();
    const stored = findStoredReport(s.description, scratchDir(testInfo));
    expect(stored?.encryptedIn).toBe('server');
    expect(stored?.report.category).toBe('colusion');
    await context.close();
  });
});
