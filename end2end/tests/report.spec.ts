// The anti-corruption button end to end: what the reporter types and attaches never leaves the browser
// unencrypted (JavaScript path), is never stored or logged in plaintext (both paths), and the office
// opens it with the reference age CLI, byte for byte.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import {
  E2E_DIR,
  attachments,
  expectReceipt,
  findStoredReport,
  fragments,
  leaks,
  paddedLength,
  recordingProxy,
  secrets,
  type Recorded,
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
    // age -d gives the file, then its padding: zero bytes up to a Padmé length.
    const opened = stored.attachments[i].bytes;
    expect(opened.length, `attachment ${i} is padded to its size class`).toBe(paddedLength(original.length));
    expect(opened.subarray(0, original.length).equals(original), `attachment ${i} decrypts to the original bytes`).toBe(true);
    expect(opened.subarray(original.length).every((b) => b === 0), `attachment ${i}'s padding is zero bytes`).toBe(true);
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

/** The attachment each binary slice extends: the last `{"index": i}` the page sent before it. */
function socketSlices(recorded: Recorded[]) {
  let index = -1;
  const slices: { index: number; record: Recorded }[] = [];
  for (const record of recorded.filter((r) => r.method === 'WS')) {
    if (record.text) index = JSON.parse(record.body.toString('utf8')).index;
    else slices.push({ index, record });
  }
  return slices;
}

/** The attachment and offset of each PUT slice, from its URL. */
function putSlices(recorded: Recorded[]) {
  return recorded
    .filter((r) => r.method === 'PUT')
    .map((record) => {
      const url = new URL(record.url, 'http://portal');
      return { index: Number(url.pathname.split('/').pop()), offset: Number(url.searchParams.get('offset')), record };
    });
}

/** Largest slice the page may send: 1 MiB of the file as age chunks, with the header of the first. */
const MAX_SLICE = 1024 * 1024 + 16 * 17 + 256;

test.describe('with JavaScript: encrypted in the browser', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'the browser path needs JavaScript');

  for (const transport of ['socket', 'put'] as const) {
    const title =
      transport === 'socket'
        ? 'only ciphertext leaves the page, slice by slice over a WebSocket that drops once; the age CLI opens it byte for byte'
        : 'where WebSockets are refused, slices go as PUTs that resume after a drop; still only ciphertext, opened byte for byte';
    test(title, async ({ page, baseURL }, testInfo) => {
      test.setTimeout(120_000);
      const scratch = scratchDir(testInfo);
      // The connection drops half-way through the third slice: the page must resume, not start over.
      let slices = 0;
      const proxy = await recordingProxy(baseURL!, {
        refuseSockets: transport === 'put',
        cut: (r) => (r.method === 'PUT' || (r.method === 'WS' && !r.text)) && ++slices === 3,
      });
      const s = secrets(`js${transport}${testInfo.project.name}`);
      const files = attachments(scratch, `js${transport}${testInfo.project.name}`);
      // Chromium logs the cut connection, the refused handshakes and the answer to a resumed PUT
      // (409: "I hold this much") as console errors.
      const watcher = watch(page, proxy.url, { allowedErrorsAt: /\/api\/uploads\// });
      try {
        await page.goto(`${proxy.url}/denuncia/formulario`);
        await waitForHydration(page);
        await expect(page.locator('#encryption-mode')).toContainText('Cifrado en su dispositivo');
        await fillReport(page, s, files);
        await page.getByRole('button', { name: 'Enviar denuncia' }).click();
        await expectReceipt(page, 90_000, proxy.recorded);
        const receipt = (await page.locator('#receipt-number').textContent()) ?? '';
        expect(receipt).toMatch(/^\d{4}(-\d{4}){6}$/);

        const needles = fragments([...Object.values(s), receipt, receipt.replaceAll('-', '')], files);
        for (const request of proxy.recorded) {
          expect(leaks(Buffer.from(request.url), needles), `plaintext in URL ${request.url}`).toEqual([]);
          expect(leaks(request.body, needles), `plaintext in the body of ${request.method} ${request.url}`).toEqual([]);
        }
        const posts = proxy.recorded.filter((r) => r.method === 'POST').map((r) => r.url);
        expect(posts).toEqual(['/api/reports/challenge', '/api/uploads', '/api/reports']);
        const sent =
          transport === 'socket'
            ? socketSlices(proxy.recorded).map(({ index, record }) => ({ index, offset: -1, record }))
            : putSlices(proxy.recorded);
        expect(proxy.recorded.filter((r) => r.method === (transport === 'socket' ? 'PUT' : 'WS'))).toEqual([]);
        // Each message carries one encrypted slice, never the whole file: the page holds one at a time.
        for (const { record } of sent) expect(record.body.length).toBeLessThanOrEqual(MAX_SLICE);
        const cutAt = sent.findIndex(({ record }) => record.cut);
        expect(cutAt, 'the proxy cut one slice').toBeGreaterThan(0);
        expect(sent.filter(({ record }) => record.cut).length).toBe(1);
        // The page resumes the cut slice, and nothing before it is sent again.
        expect(sent[cutAt + 1].index).toBe(sent[cutAt].index);
        if (transport === 'socket') {
          expect(sent[cutAt + 1].record.body.equals(sent[cutAt].record.body), 'the whole slice again').toBe(true);
          expect(proxy.recorded.filter((r) => r.method === 'WS' && r.text).length, 'a new socket selects again').toBeGreaterThan(2);
        } else {
          expect(sent[cutAt + 1].offset).toBe(sent[cutAt].offset);
          expect(proxy.recorded.filter((r) => r.method === 'UPGRADE').length, 'sockets were tried first').toBeGreaterThan(0);
        }

        const stored = checkStoredSafely(needles, s, files, scratch, 'browser');
        // What the server stored is exactly what the page sent, slice after slice, resumed where it was cut.
        files.forEach((_, index) => {
          const object = readFileSync(stored.attachments[index].path);
          const mine = sent.filter((slice) => slice.index === index && !slice.record.cut);
          if (transport === 'socket') {
            // A cut message never reaches the portal whole, so it is not appended; its resend is.
            expect(Buffer.concat(mine.map((slice) => slice.record.body)).equals(object)).toBe(true);
          } else {
            const answered = mine.filter((slice) => slice.record.status === 200);
            let end = 0;
            for (const { offset, record } of answered) {
              expect(record.body.equals(object.subarray(offset, offset + record.body.length))).toBe(true);
              end = Math.max(end, offset + record.body.length);
            }
            expect(end).toBe(object.length);
          }
        });
        watcher.verify();
      } finally {
        await proxy.close();
      }
    });
  }
});

test.describe('with JavaScript: a report whose connection drops', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'the browser path needs JavaScript');

  test('is sent again on the same upload: no new proof of work, no file sent twice, stored once', async ({ page, baseURL }, testInfo) => {
    test.setTimeout(120_000);
    const scratch = scratchDir(testInfo);
    // The report's request is cut half-way: the server keeps the upload for a resend.
    const proxy = await recordingProxy(baseURL!, { cut: (r) => r.method === 'POST' && r.url === '/api/reports' });
    const s = secrets(`resend${testInfo.project.name}`);
    const files = attachments(scratch, `resend${testInfo.project.name}`, 1);
    const watcher = watch(page, proxy.url, { allowedErrorsAt: /\/api\/reports$/ });
    try {
      await page.goto(`${proxy.url}/denuncia/formulario`);
      await waitForHydration(page);
      await fillReport(page, s, files);
      await page.getByRole('button', { name: 'Enviar denuncia' }).click();
      await expectReceipt(page, 90_000, proxy.recorded);
      const posts = (path: string) => proxy.recorded.filter((r) => r.method === 'POST' && r.url === path);
      expect(posts('/api/reports').map((r) => [r.cut === true, r.status])).toEqual([[true, undefined], [false, 201]]);
      expect(posts('/api/uploads').length, 'one upload, its files sent once').toBe(1);
      expect(posts('/api/reports/challenge').length, 'one proof of work').toBe(1);
      const stored = findStoredReport(s.description, scratch);
      expect(stored, 'the report was stored').toBeDefined();
      expect(stored!.attachments.length).toBe(files.length);
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
    await expectReceipt(page, 60_000, proxy.recorded);
    await expect(page.getByText('Su denuncia se cifró en el servidor')).toBeVisible();
    const receipt = (await page.locator('#receipt-number').textContent()) ?? '';
    expect(receipt).toMatch(/^\d{4}(-\d{4}){6}$/);
    const download = page.getByRole('link', { name: 'Descargar constancia' });
    expect(decodeURIComponent((await download.getAttribute('href')) ?? '')).toContain(receipt);
    // Copying and printing need JavaScript: without it those buttons do not show.
    await expect(page.getByRole('button', { name: 'Copiar constancia' })).toBeHidden();
    await expect(page.getByRole('button', { name: 'Imprimir constancia' })).toBeHidden();

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
    // No file was chosen, so none is asked for again.
    await expect(page.getByText('vuelva a elegirlos')).toHaveCount(0);
    expect(findStoredReport(place, scratchDir(testInfo)), 'nothing was stored').toBeUndefined();
    expect(leaks(storedBytes(), [Buffer.from(place)])).toEqual([]);

    // Opening the result's address again (a reload that does not resend) leads back to the form, which
    // says what happened; nothing is sent.
    const answer = await page.goto('/denuncia/enviar');
    expect(answer?.status()).toBe(200);
    await expect(page).toHaveURL(/\/denuncia\/formulario\?recargada=1$/);
    await expect(page.locator('#form-reloaded')).toContainText('no se envió nada de nuevo');
  });

  test('a flood of plain forms stores nothing, a replayed ticket stores once, and a reporter still gets through', async ({ page, request }, testInfo) => {
    const scratch = scratchDir(testInfo);
    const flood = secrets('flood').description;
    // The outside test's flood: `curl -F description=… -F category=soborno`, 40 at once, no ticket.
    const bare = await Promise.all(
      Array.from({ length: 40 }, () => request.post('/denuncia/enviar', { multipart: { description: flood, category: 'soborno' } })),
    );
    expect(bare.map((answer) => answer.status())).toEqual(Array(40).fill(403));
    expect(await bare[0].text()).toContain('Este formulario ya no es válido');
    // One genuine ticket, taken from the form as a script would, sent 10 times at once.
    await page.goto('/denuncia/formulario');
    const ticket = (await page.locator('input[name="form_ticket"]').getAttribute('value')) ?? '';
    expect(ticket).toMatch(/^[0-9a-f]{48}\.[0-9a-f]{64}$/);
    const replayed = secrets('replayed').description;
    const replays = await Promise.all(
      Array.from({ length: 10 }, () =>
        request.post('/denuncia/enviar', { multipart: { form_ticket: ticket, description: replayed, category: 'soborno' } }),
      ),
    );
    const statuses = replays.map((answer) => answer.status()).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(403)]);
    expect(findStoredReport(flood, scratch), 'no ticketless form was stored').toBeUndefined();
    // A reporter in the browser, right after: the form is accepted.
    const s = secrets('after-flood');
    await page.goto('/denuncia/formulario');
    await page.getByLabel('¿Qué pasó?').fill(s.description);
    await page.getByLabel('Tipo de hecho').selectOption('soborno');
    await page.getByRole('button', { name: 'Enviar denuncia' }).click();
    await expect(page.getByRole('heading', { name: 'Denuncia recibida', level: 1 })).toBeVisible();
    expect(findStoredReport(s.description, scratch)?.encryptedIn).toBe('server');
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
      // 101 MiB: over the 100 MB limit on files. A sparse file keeps the test fast.
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

  test('the description says its limit beside it and counts down as the reporter writes', async ({ page }) => {
    await page.goto('/denuncia/formulario');
    await expect(page.locator('#description-hint')).toContainText('Hasta 20 000 caracteres');
    await waitForHydration(page);
    const count = page.locator('#description-count');
    await expect(count).toHaveText('Le quedan 20 000 caracteres.');
    await page.getByLabel('¿Qué pasó?').fill('x'.repeat(19_990));
    await expect(count).toContainText('Le quedan 10 caracteres.');
    await page.getByLabel('¿Qué pasó?').fill('x'.repeat(20_005));
    await expect(count).toContainText('Tiene 5 caracteres de más');
    await expect(page.getByLabel('¿Qué pasó?')).toHaveAttribute('aria-describedby', /description-count/);
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
