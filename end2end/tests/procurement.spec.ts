// Requests for quotation end to end: the committee makes the tender's key with its own tool (2 of 3
// shares), publishes the request; a supplier bids through the island, and nothing it typed leaves the
// browser unencrypted (every request recorded by a proxy) or is stored; a bid sent after the deadline
// is refused; at the deadline the list of SHA-256 is published; two members open the bids with their
// shares (one alone cannot), the committee publishes the table, the award and the key, and the key
// from the page decrypts the published ciphertext with the reference age CLI to the published total.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_DIR, leaks, recordingProxy, serverLog, storedBytes } from './report-support';
import { jsEnabled, waitForHydration } from './pages';
import { addStaff, expectNoAxeViolations, signIn } from './staff-support';

test.skip(!E2E_DIR, 'needs PORTAL_E2E_DIR: run through scripts/test, which starts the server');

const COMMITTEE = process.env.COMMITTEE_BIN ?? join(process.cwd(), '..', 'target', 'debug', 'committee');
const PASSWORD = 'una clave del comité bastante larga';

/** Lima's wall clock `fromNow` ms ahead, rounded up to the minute (a `datetime-local` value), and that instant. */
function limaMinute(fromNow: number): { value: string; at: number } {
  const at = Math.ceil((Date.now() + fromNow) / 60_000) * 60_000;
  return { value: new Date(at - 5 * 3600_000).toISOString().slice(0, 16), at };
}

async function waitUntil(at: number) {
  const left = at - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left + 1500));
}

async function fillBid(page: Page, ruc: string, name: string, price: string, terms: string) {
  await page.getByLabel('RUC del proveedor').fill(ruc);
  await page.getByLabel('Razón social').fill(name);
  await page.locator('#price-1').fill(price);
  await page.getByLabel('Plazo de entrega (días)').fill('12');
  await page.getByLabel('Validez de la oferta (días)').fill('30');
  await page.getByLabel('Condiciones, garantía y observaciones').fill(terms);
}

test('a sealed bid: encrypted in the browser, refused late, opened by two of three, checked by anyone', async ({ page, browser, request, baseURL }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'bidding needs JavaScript (the page says why; checked below in the no-JavaScript project)');
  test.setTimeout(300_000);
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const number = `SC-E2E-${tag}`;
  const dir = testInfo.outputPath('tender');
  mkdirSync(dir, { recursive: true });
  execFileSync(COMMITTEE, ['keygen', '--tender', number, '--threshold', '2', '--members', '3', '--out', join(dir, 'llaves')]);
  const recipient = readFileSync(join(dir, 'llaves', 'recipient.txt'), 'utf8').trim();

  // The committee publishes the request (officials first: the committee is chosen among them).
  const username = `comite-${tag.toLowerCase()}`;
  await signIn(page, username, PASSWORD, addStaff(username, PASSWORD, ['procurement-committee', 'transparency-editor']));
  await page.goto('/oficina/integridad');
  const officials = join(dir, 'funcionarios.csv');
  const ids = ['a', 'b', 'c'].map((x) => `${x}-${tag.toLowerCase()}`);
  writeFileSync(officials, 'id,nombre,cargo,area,inicio,fin\n' + ids.map((id) => `${id},Miembro ${id},Gerente,Subgerencia de Logística,2023-01-02,\n`).join(''));
  await page.getByLabel('Archivo de funcionarios (CSV)').setInputFiles(officials);
  await page.getByRole('button', { name: 'Importar' }).click();
  await page.goto('/oficina/cotizaciones');
  const deadline = limaMinute(75_000);
  await page.locator('#number').fill(number);
  await page.getByLabel('Objeto').fill(`Conos de seguridad ${tag}`);
  await page.getByLabel('Área usuaria').fill('Subgerencia de Logística');
  await page.getByLabel('Valor estimado').fill('15000');
  await page.getByLabel('Plazo', { exact: true }).fill(deadline.value);
  await page.getByLabel('Ítems').fill('Conos de seguridad de 70 cm; 100; unidad; PVC naranja');
  for (const id of ids) await page.getByLabel(`Miembro ${id} — Gerente`).check();
  await page.getByLabel('Miembros necesarios para abrir (k)').fill('2');
  await page.getByRole('button', { name: 'Publicar la solicitud' }).click();
  await expect(page.locator('#procurement-errors')).toContainText('Pegue la llave pública');
  await expect(page.getByLabel('Objeto')).toHaveValue(`Conos de seguridad ${tag}`);
  await page.getByLabel('Llave pública de la solicitud (age1…)').fill(recipient);
  await page.getByRole('button', { name: 'Publicar la solicitud' }).click();
  await expect(page.locator('#action-done')).toContainText(`Solicitud ${number} publicada.`);
  await expectNoAxeViolations(page);

  // A supplier bids through a recording proxy: nothing typed leaves the browser readable.
  const proxy = await recordingProxy(baseURL!);
  // The supplier: another browser context (not signed in), its requests through the recording proxy.
  const context = await browser.newContext();
  const supplier = await context.newPage();
  const terms = `Garantía secreta ${tag} de dos años`;
  try {
    await supplier.goto(`${proxy.url}/integridad/cotizacion?numero=${number}`);
    await expect(supplier.locator('#recipient')).toHaveText(recipient);
    await supplier.locator('#bid-link').click();
    await waitForHydration(supplier);
    await expectNoAxeViolations(supplier);
    await fillBid(supplier, '20601112222', `Suministros ${tag} EIRL`, '98.75', terms);
    await supplier.getByRole('button', { name: 'Cifrar y enviar la oferta' }).click();
    await expect(supplier.locator('#bid-receipt')).toBeVisible({ timeout: 60_000 });
    const receipt = (await supplier.locator('#bid-sha256').textContent())!.trim();
    expect(receipt).toMatch(/^[0-9a-f]{64}$/);
    const needles = [terms, '98.75', '9875'].map((text) => Buffer.from(text));
    for (const recorded of proxy.recorded) {
      expect(leaks(Buffer.from(recorded.url), needles), `plaintext in ${recorded.url}`).toEqual([]);
      expect(leaks(recorded.body, needles), `plaintext in the body of ${recorded.method} ${recorded.url}`).toEqual([]);
    }
    expect(proxy.recorded.some((r) => r.method === 'POST' && r.url === '/api/bids')).toBe(true);
    expect(leaks(storedBytes(), [Buffer.from(terms)]), 'plaintext stored').toEqual([]);
    expect(leaks(serverLog(), [Buffer.from(terms)]), 'plaintext logged').toEqual([]);
    // Nothing of the bids shows before the deadline.
    await supplier.goto(`${proxy.url}/integridad/cotizacion?numero=${number}`);
    await expect(supplier.locator('#bids-table')).toHaveCount(0);
    expect((await request.get(`/datos/cotizaciones/${number}/sha256.txt`)).status()).toBe(404);

    // A second supplier types a bid before the deadline and sends it after: refused, said so.
    await supplier.goto(`${proxy.url}/integridad/cotizacion/ofertar?numero=${number}`);
    await waitForHydration(supplier);
    await fillBid(supplier, '20512345671', `Tardía ${tag} SAC`, '80', 'Tarde');
    await waitUntil(deadline.at);
    await supplier.getByRole('button', { name: 'Cifrar y enviar la oferta' }).click();
    await expect(supplier.locator('.error-summary')).toContainText('El plazo venció: la oferta no se recibió.', { timeout: 60_000 });

    // At the deadline: the list of SHA-256 and the ciphertexts.
    await page.goto(`/integridad/cotizacion?numero=${number}`);
    await expect(page.locator('#bid-count')).toHaveText('1 ofertas recibidas hasta el plazo.');
    await expect(page.locator('#bids-table')).toContainText(receipt);
    await expectNoAxeViolations(page);
    const list = await (await request.get(`/datos/cotizaciones/${number}/sha256.txt`)).text();
    expect(list).toBe(`${receipt}  ${receipt}.age\n`);
    const bids = join(dir, 'ofertas');
    mkdirSync(bids);
    writeFileSync(join(bids, 'sha256.txt'), list);
    writeFileSync(join(bids, `${receipt}.age`), await (await request.get(`/datos/cotizaciones/${number}/${receipt}.age`)).body());

    // The opening: one share opens nothing; two do.
    const open = (shares: string[], out: string) =>
      spawnSync(COMMITTEE, ['open', '--tender', number, '--recipient', recipient, ...shares.flatMap((s) => ['--share', join(dir, 'llaves', s)]),
        '--bids', bids, '--hashes', join(bids, 'sha256.txt'), '--out', join(dir, out)], { encoding: 'utf8' });
    const alone = open(['share-2.txt'], 'sola');
    expect(alone.status).not.toBe(0);
    expect(alone.stderr).toContain("this tender's key needs 2");
    const opened = open(['share-1.txt', 'share-3.txt'], 'apertura');
    expect(opened.status, opened.stderr).toBe(0);
    const table = readFileSync(join(dir, 'apertura', 'cuadro-comparativo.csv'), 'utf8');
    expect(table).toContain(`20601112222,Suministros ${tag} EIRL,9875.00,12,30,`);
    const key = readFileSync(join(dir, 'apertura', `clave-${number}.txt`), 'utf8');

    // The committee publishes it; the page shows the award, the table and the key.
    await page.goto('/oficina/cotizaciones');
    await page.locator('#opening_tender').selectOption(number);
    await page.getByLabel('Llave de la solicitud (clave-….txt)').fill(key);
    await page.getByLabel('Cuadro comparativo (cuadro-comparativo.csv)').fill(table);
    await page.getByLabel('RUC del adjudicado').fill('20601112222');
    await page.getByLabel('Razón social del adjudicado').fill(`Suministros ${tag} EIRL`);
    await page.getByLabel('Monto adjudicado (soles)').fill('9875');
    await page.getByLabel('Motivos de la adjudicación').fill('Única oferta válida, dentro del valor estimado.');
    await page.getByRole('button', { name: 'Publicar la apertura' }).click();
    await expect(page.locator('#action-done')).toContainText(`Apertura de la solicitud ${number} publicada.`);
    await page.goto(`/integridad/cotizacion?numero=${number}`);
    await expect(page.locator('#award')).toContainText(`Adjudicado a Suministros ${tag} EIRL (RUC 20601112222)`);
    await expect(page.locator('#comparison-table')).toContainText('9875.00');
    await expectNoAxeViolations(page);

    // Anyone: the key on the page decrypts the published ciphertext with age to the published total.
    const published = (await page.locator('#tender-key').textContent())!.trim();
    writeFileSync(join(dir, 'clave-publicada.txt'), published + '\n');
    const plaintext = execFileSync('age', ['-d', '-i', join(dir, 'clave-publicada.txt'), join(bids, `${receipt}.age`)]).toString();
    const document = JSON.parse(plaintext);
    expect(document.terms).toBe(terms);
    expect(document.lines[0].unit_price_cents * document.lines[0].quantity).toBe(987_500);
    const ocds = await (await request.get(`/datos/cotizaciones/${number}.json`)).json();
    expect(ocds.releases.at(-1).awards[0].suppliers[0].id).toBe('PE-RUC-20601112222');
  } finally {
    await context.close();
    await proxy.close();
  }
});

test('without JavaScript the bid page says why it needs it; the request and the list work', async ({ page }, testInfo) => {
  test.skip(jsEnabled(testInfo), 'the no-JavaScript project');
  await page.goto('/integridad/cotizaciones');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Solicitudes de cotización');
  await page.getByRole('link', { name: 'SC-DEMO-001' }).click();
  await expect(page.locator('#items-table tbody tr')).toHaveCount(2);
  await page.locator('#bid-link').click();
  await expect(page.locator('#bid-needs-script')).toBeVisible();
  await expect(page.locator('main')).toContainText('Esta página necesita JavaScript: su oferta se cifra en su navegador');
  await expect(page.getByRole('button', { name: 'Cifrar y enviar la oferta' })).toBeDisabled();
});
