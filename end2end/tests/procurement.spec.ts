// Requests for quotation end to end: the committee makes the tender's key with its own tool (2 of 3
// shares), publishes the request; a supplier bids through the island with a file, and nothing it
// typed or attached leaves the browser unencrypted (every request recorded by a proxy) or is stored;
// a bid sent after the deadline is refused; at the deadline the list of SHA-256 is published; two members open the bids with their
// shares (one alone cannot), the committee publishes the table, the award and the key, and the key
// from the page decrypts the published ciphertext with the reference age CLI to the published total.
// The alerts: a committee member who declared the winner and a visit by the winner to another member
// raise two alerts on that request; a second request awarded to a supplier nobody declared or sent
// raises none; the integrity office's review is refused empty (kept), then shown beside its alert.
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

/** The committee's form for a new request, everything but the recipient. */
async function fillTender(page: Page, number: string, title: string, area: string, deadline: string, members: string[]) {
  await page.locator('#number').fill(number);
  await page.getByLabel('Objeto').fill(title);
  await page.getByLabel('Área usuaria').fill(area);
  await page.getByLabel('Valor estimado').fill('15000');
  await page.getByLabel('Plazo', { exact: true }).fill(deadline);
  await page.getByLabel('Ítems').fill('Conos de seguridad de 70 cm; 100; unidad; PVC naranja');
  for (const id of members) await page.getByLabel(`Miembro ${id} — Gerente`).check();
  await page.getByLabel('Miembros necesarios para abrir (k)').fill('2');
}

/** The committee's form for an opening: `committee open`'s key and table, and the award. */
async function publishOpening(page: Page, number: string, key: string, table: string, ruc: string, name: string, amount: string) {
  await page.goto('/oficina/cotizaciones');
  await page.locator('#opening_tender').selectOption(number);
  await page.getByLabel('Llave de la solicitud (clave-….txt)').fill(key);
  await page.getByLabel('Cuadro comparativo (cuadro-comparativo.csv)').fill(table);
  await page.getByLabel('RUC del adjudicado').fill(ruc);
  await page.getByLabel('Razón social del adjudicado').fill(name);
  await page.getByLabel('Monto adjudicado (soles)').fill(amount);
  await page.getByLabel('Motivos de la adjudicación').fill('Única oferta válida, dentro del valor estimado.');
  await page.getByRole('button', { name: 'Publicar la apertura' }).click();
  await expect(page.locator('#action-done')).toContainText(`Apertura de la solicitud ${number} publicada.`);
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
  test.setTimeout(420_000);
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
  // The run's own requesting area: the alerts of this run's requests involve this run's officials only.
  const area = `Subgerencia de Logística ${tag}`;
  writeFileSync(officials, 'id,nombre,cargo,area,inicio,fin\n' + ids.map((id) => `${id},Miembro ${id},Gerente,${area},2023-01-02,\n`).join(''));
  await page.getByLabel('Archivo de funcionarios (CSV)').setInputFiles(officials);
  await page.getByRole('button', { name: 'Importar' }).click();
  await page.goto('/oficina/cotizaciones');
  const deadline = limaMinute(100_000);
  await fillTender(page, number, `Conos de seguridad ${tag}`, area, deadline.value, ids);
  await page.getByRole('button', { name: 'Publicar la solicitud' }).click();
  await expect(page.locator('#procurement-errors')).toContainText('Pegue la llave pública');
  await expect(page.getByLabel('Objeto')).toHaveValue(`Conos de seguridad ${tag}`);
  await page.getByLabel('Llave pública de la solicitud (age1…)').fill(recipient);
  await page.getByRole('button', { name: 'Publicar la solicitud' }).click();
  await expect(page.locator('#action-done')).toContainText(`Solicitud ${number} publicada.`);
  await expectNoAxeViolations(page);
  // A second request with the same deadline and committee: the clean one for the alerts.
  const clean = `${number}-L`;
  execFileSync(COMMITTEE, ['keygen', '--tender', clean, '--threshold', '2', '--members', '3', '--out', join(dir, 'llaves-l')]);
  const cleanRecipient = readFileSync(join(dir, 'llaves-l', 'recipient.txt'), 'utf8').trim();
  await fillTender(page, clean, `Conos limpios ${tag}`, area, deadline.value, ids);
  await page.getByLabel('Llave pública de la solicitud (age1…)').fill(cleanRecipient);
  await page.getByRole('button', { name: 'Publicar la solicitud' }).click();
  await expect(page.locator('#action-done')).toContainText(`Solicitud ${clean} publicada.`);

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
    // A file goes with the bid, inside the same ciphertext.
    const sheet = `Ficha técnica reservada ${tag}: conos de PVC`;
    await supplier.locator('#files').setInputFiles({ name: 'ficha técnica.txt', mimeType: 'text/plain', buffer: Buffer.from(sheet) });
    await supplier.getByRole('button', { name: 'Cifrar y enviar la oferta' }).click();
    await expect(supplier.locator('#bid-receipt')).toBeVisible({ timeout: 60_000 });
    const receipt = (await supplier.locator('#bid-sha256').textContent())!.trim();
    expect(receipt).toMatch(/^[0-9a-f]{64}$/);
    const needles = [terms, '98.75', '9875', sheet, Buffer.from(sheet).toString('base64')].map((text) => Buffer.from(text));
    for (const recorded of proxy.recorded) {
      expect(leaks(Buffer.from(recorded.url), needles), `plaintext in ${recorded.url}`).toEqual([]);
      expect(leaks(recorded.body, needles), `plaintext in the body of ${recorded.method} ${recorded.url}`).toEqual([]);
    }
    expect(proxy.recorded.some((r) => r.method === 'POST' && r.url === '/api/bids')).toBe(true);
    expect(leaks(storedBytes(), [Buffer.from(terms), Buffer.from(sheet)]), 'plaintext stored').toEqual([]);
    expect(leaks(serverLog(), [Buffer.from(terms), Buffer.from(sheet)]), 'plaintext logged').toEqual([]);
    // Nothing of the bids shows before the deadline.
    await supplier.goto(`${proxy.url}/integridad/cotizacion?numero=${number}`);
    await expect(supplier.locator('#bids-table')).toHaveCount(0);
    expect((await request.get(`/datos/cotizaciones/${number}/sha256.txt`)).status()).toBe(404);

    // Another supplier bids on the clean request.
    await supplier.goto(`${proxy.url}/integridad/cotizacion/ofertar?numero=${clean}`);
    await waitForHydration(supplier);
    await fillBid(supplier, '20544332211', `Limpia ${tag} SAC`, '90', 'Sin vínculos');
    await supplier.getByRole('button', { name: 'Cifrar y enviar la oferta' }).click();
    await expect(supplier.locator('#bid-receipt')).toBeVisible({ timeout: 60_000 });
    const cleanReceipt = (await supplier.locator('#bid-sha256').textContent())!.trim();

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
    expect(table).toContain(`20601112222,Suministros ${tag} EIRL,9875.00,12,30,,1`);
    expect(readFileSync(join(dir, 'apertura', `${receipt}-archivos`, '1-ficha_t_cnica.txt'), 'utf8')).toBe(sheet);
    const key = readFileSync(join(dir, 'apertura', `clave-${number}.txt`), 'utf8');

    // The committee publishes it; the page shows the award, the table and the key.
    await publishOpening(page, number, key, table, '20601112222', `Suministros ${tag} EIRL`, '9875');
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
    expect(Buffer.from(document.attachments[0].content, 'base64').toString()).toBe(sheet);
    expect(document.lines[0].unit_price_cents * document.lines[0].quantity).toBe(987_500);
    const ocds = await (await request.get(`/datos/cotizaciones/${number}.json`)).json();
    expect(ocds.releases.at(-1).awards[0].suppliers[0].id).toBe('PE-RUC-20601112222');

    // The clean request is opened and awarded too.
    const cleanBids = join(dir, 'ofertas-l');
    mkdirSync(cleanBids);
    const cleanList = await (await request.get(`/datos/cotizaciones/${clean}/sha256.txt`)).text();
    writeFileSync(join(cleanBids, 'sha256.txt'), cleanList);
    writeFileSync(join(cleanBids, `${cleanReceipt}.age`), await (await request.get(`/datos/cotizaciones/${clean}/${cleanReceipt}.age`)).body());
    const cleanOpened = spawnSync(COMMITTEE, ['open', '--tender', clean, '--recipient', cleanRecipient, '--share', join(dir, 'llaves-l', 'share-1.txt'),
      '--share', join(dir, 'llaves-l', 'share-2.txt'), '--bids', cleanBids, '--hashes', join(cleanBids, 'sha256.txt'), '--out', join(dir, 'apertura-l')], { encoding: 'utf8' });
    expect(cleanOpened.status, cleanOpened.stderr).toBe(0);
    await publishOpening(page, clean, readFileSync(join(dir, 'apertura-l', `clave-${clean}.txt`), 'utf8'),
      readFileSync(join(dir, 'apertura-l', 'cuadro-comparativo.csv'), 'utf8'), '20544332211', `Limpia ${tag} SAC`, '9000');

    // The seeded conflict: member a declares a share in the winner; the winner's manager visited
    // member b during the request. Registered by the transparency editor after the opening: alerts
    // are computed from the registers as they are when read.
    await page.goto('/oficina/declaraciones');
    await page.locator('#official').selectOption(ids[0]);
    await page.getByLabel('Anual', { exact: true }).check();
    await page.getByLabel('Empresas y participaciones').fill(`Suministros ${tag} EIRL; 20601112222; 30`);
    await page.getByRole('button', { name: 'Registrar la declaración' }).click();
    await expect(page.locator('#action-done')).toContainText(`Declaración de Miembro ${ids[0]} registrada como versión 1.`);
    await page.goto('/oficina/visitas');
    await page.getByLabel('Visitante', { exact: true }).fill(`Gerente ${tag}`);
    await page.getByLabel('Documento de identidad').fill('DNI 41234567');
    await page.getByLabel('Entidad que representa').fill(`Suministros ${tag} EIRL`);
    await page.getByLabel('RUC de la entidad').fill('20601112222');
    await page.locator('#official').selectOption(ids[1]);
    await page.getByLabel('Lugar').first().fill('Despacho');
    await page.getByLabel('Hora de ingreso').fill('08:00');
    await page.getByLabel('Motivo').fill(`Consulta ${tag}`);
    await page.getByRole('button', { name: 'Registrar la visita' }).click();
    await expect(page.locator('#action-done')).toHaveText(`Visita de Gerente ${tag} registrada.`);

    // The alerts: two on the request with the conflict, each with its evidence; none on the clean one.
    await page.goto(`/integridad/cotizacion?numero=${number}`);
    await page.locator('#tender-alerts').click();
    await expect(page.locator('#rule-declared')).toBeVisible();
    const cards = page.locator('article.alert-card');
    await expect(cards).toHaveCount(2);
    const declared = page.locator(`article[data-alert="interes-declarado/${number}/${ids[0]}/empresas"]`);
    await expect(declared).toContainText(`Suministros ${tag} EIRL (RUC 20601112222)`);
    await expect(declared).toContainText('miembro del comité');
    await expect(declared).toContainText('Sin revisión todavía.');
    const visit = page.locator('article[data-rule="visita"]');
    await expect(visit).toContainText(`Gerente ${tag} (Suministros ${tag} EIRL), motivo: Consulta ${tag}.`);
    await expectNoAxeViolations(page);
    await visit.getByRole('link', { name: 'Ver en el registro de visitas' }).click();
    await expect(page.locator('#visits-table tbody tr')).toHaveCount(1);
    await expect(page.locator('#visits-table')).toContainText(`Gerente ${tag}`);
    await page.goto(`/integridad/alertas?cotizacion=${clean}`);
    await expect(page.locator('#alert-count')).toHaveText('Ninguna alerta con los registros actuales.');
    await expect(page.locator('article.alert-card')).toHaveCount(0);
    const alertsCsv = await (await request.get(`/datos/integridad/alertas.csv?cotizacion=${number}`)).text();
    expect(alertsCsv.trim().split('\n').length - 1).toBe(2);

    // The integrity office reviews one: refused empty with the alert kept, then shown beside it.
    const office = await browser.newContext({ baseURL });
    try {
      const officerPage = await office.newPage();
      const officerName = `integridad-${tag.toLowerCase()}`;
      await signIn(officerPage, officerName, PASSWORD, addStaff(officerName, PASSWORD, 'integrity-officer'));
      await expect(officerPage).toHaveURL(/\/oficina\/casos$/);
      await officerPage.goto('/oficina/alertas');
      await officerPage.locator(`article[data-alert="interes-declarado/${number}/${ids[0]}/empresas"]`).getByRole('link', { name: 'Revisar esta alerta' }).click();
      await expect(officerPage.locator('#alert')).toHaveValue(`interes-declarado/${number}/${ids[0]}/empresas`);
      await officerPage.getByRole('button', { name: 'Publicar la revisión' }).click();
      await expect(officerPage.locator('#review-errors')).toContainText('Escriba la explicación revisada');
      await expect(officerPage.locator('#alert')).toHaveValue(`interes-declarado/${number}/${ids[0]}/empresas`);
      await expectNoAxeViolations(officerPage);
      const explanation = `El miembro ${ids[0]} se inhibió; consta en el acta ${tag}.`;
      await officerPage.getByLabel('Explicación revisada').fill(explanation);
      await officerPage.getByRole('button', { name: 'Publicar la revisión' }).click();
      await expect(officerPage.locator('#action-done')).toContainText('(versión 1)');
      await page.goto(`/integridad/alertas?cotizacion=${number}`);
      await expect(declared.locator('.alert-card__explanation')).toHaveText(explanation);
      await expect(visit).toContainText('Sin revisión todavía.');
    } finally {
      await office.close();
    }
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
