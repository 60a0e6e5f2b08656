// The virtual front desk end to end, in Chromium, as a neighbour and as the document registry would
// use it: the catalogue, filing with refusals and a receipt, tracking (a wrong code and an unknown
// number get the same answer), an observation answered with a correction, a resolution with its
// response document, a holiday that moves a deadline, and the desk's CSV import. Every form is plain
// HTML, so each step also runs without JavaScript.
import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { E2E_DIR } from './report-support';
import { jsEnabled } from './pages';
import { addStaff, expectNoAxeViolations, signIn } from './staff-support';

test.skip(!E2E_DIR, 'needs PORTAL_E2E_DIR: run through scripts/test, which owns the server and its data');

// axe-core runs in the page, so it is skipped where JavaScript is off (the same pages are checked with it on).
let withJavaScript = true;
test.beforeEach(({}, testInfo) => {
  withJavaScript = jsEnabled(testInfo);
});
const noAxeViolations = async (page: Page) => withJavaScript && (await expectNoAxeViolations(page));

/** A small valid PDF: header, one empty page, cross-reference table, trailer and end marker. */
function pdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>`,
    `<< /Length ${text.length + 22} >>\nstream\nBT /F1 12 Tf (${text}) Tj ET\nendstream`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const file = (name: string, buffer: Buffer, mimeType = 'application/pdf') => ({ name, mimeType, buffer });

async function fileOnline(page: Page, subject: string): Promise<{ number: string; code: string }> {
  await page.goto('/tramites/mesa-de-partes');
  await page.getByLabel('Tipo de documento de identidad').selectOption('dni');
  await page.getByLabel('Número de documento').fill('45678912');
  await page.getByLabel('Nombres y apellidos, o razón social').fill('Ana Quispe Huamán');
  await page.getByLabel('Domicilio').fill('Av. Larco 400, Miraflores');
  await page.getByLabel('Correo electrónico').fill('ana@example.pe');
  await page.getByLabel('Procedimiento').selectOption('SG-01');
  await page.getByLabel('Asunto').fill(subject);
  await page.getByLabel('Documentos en PDF').setInputFiles([file('solicitud.pdf', pdf(subject))]);
  await page.getByRole('button', { name: 'Presentar' }).click();
  await expect(page.locator('#filed')).toBeVisible();
  const number = (await page.locator('#receipt-number').textContent())!.trim();
  const code = (await page.locator('#receipt-code').textContent())!.trim();
  return { number, code };
}

async function track(page: Page, number: string, code: string) {
  await page.goto('/tramites/expediente');
  await page.getByLabel('Número de expediente').fill(number);
  await page.getByLabel('Código de verificación').fill(code);
  await page.getByRole('button', { name: 'Consultar' }).click();
}

async function staffCase(page: Page, number: string) {
  await page.goto(`/oficina/expedientes/detalle?numero=${number}`);
  await expect(page.locator('h1')).toContainText(number);
}

test('the catalogue leads to each service, whose sheet says who, what, cost, time, channels and legal basis', async ({ page }) => {
  await page.goto('/tramites');
  await page.getByRole('link', { name: 'Presentar un documento a la municipalidad' }).click();
  for (const heading of ['Quién puede hacerlo', 'Qué necesita', 'Cuánto cuesta', 'Plazo', 'Cómo hacerlo', 'Base legal']) {
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  }
  await page.getByRole('link', { name: 'Empezar' }).click();
  await expect(page).toHaveURL(/\/tramites\/mesa-de-partes$/);
  await page.goto('/en/tramites');
  await page.getByRole('link', { name: 'Check your expediente' }).click();
  await expect(page.getByRole('heading', { name: 'Legal basis' })).toBeVisible();
});

test('a filing is refused with every problem named and nothing typed lost, then filed with a receipt', async ({ page }) => {
  await page.goto('/tramites/mesa-de-partes');
  await page.getByLabel('Número de documento').fill('1234567');
  await page.getByLabel('Asunto').fill('Pido una copia del plano de mi casa');
  await page.getByLabel('Documentos en PDF').setInputFiles([file('foto.png', Buffer.from('not a pdf'), 'image/png')]);
  await page.getByRole('button', { name: 'Presentar' }).click();
  const summary = page.locator('#filing-errors');
  await expect(summary).toBeVisible();
  for (const text of ['Elija el tipo de documento', 'Escriba sus nombres', 'Escriba su domicilio', 'Elija el procedimiento', 'Solo se aceptan documentos PDF']) {
    await expect(summary).toContainText(text);
  }
  await expect(page.getByLabel('Asunto')).toHaveValue('Pido una copia del plano de mi casa');
  await expect(page.getByLabel('Número de documento')).toHaveValue('1234567');
  await noAxeViolations(page);

  const subject = `Copia del plano ${randomBytes(4).toString('hex')}`;
  const { number, code } = await fileOnline(page, subject);
  expect(number).toMatch(/^\d{4}-\d{6}$/);
  expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  await expect(page.locator('#filing-receipt')).toContainText('SG-01');
  await expect(page.locator('#filing-receipt')).toContainText('solicitud.pdf');
  await noAxeViolations(page);
});

test('tracking: a wrong code and an unknown number get the same answer; the right pair shows the timeline', async ({ page }) => {
  const { number, code } = await fileOnline(page, `Certificado ${randomBytes(4).toString('hex')}`);
  await track(page, number, 'AAAAA-AAAAA');
  const wrong = await page.locator('#track-errors').textContent();
  const [year, seq] = number.split('-');
  await track(page, `${year}-${String(Number(seq) + 500000).padStart(6, '0')}`, code);
  const unknown = await page.locator('#track-errors').textContent();
  expect(wrong).toContain('No encontramos un expediente con ese número y ese código');
  expect(unknown).toBe(wrong);
  await track(page, number.replace(/-0+/, '-'), code.toLowerCase().replace('-', ' '));
  await expect(page.locator('#expediente-state')).toHaveText('Presentado, por recibir');
  await expect(page.locator('#timeline [data-kind="filed"]')).toBeVisible();
  await expect(page.locator('#deadline-status')).toContainText('Quedan 30 días hábiles');
  await noAxeViolations(page);
});

test('staff receive, observe; the applicant corrects; a holiday moves the deadline; the resolution arrives with its document', async ({ browser, page }, testInfo) => {
  test.setTimeout(90_000);
  const subject = `Licencia ${randomBytes(4).toString('hex')}`;
  const { number, code } = await fileOnline(page, subject);

  const staffContext = await browser.newContext({ ...testInfo.project.use });
  const staff = await staffContext.newPage();
  const username = `mesa-${randomBytes(4).toString('hex')}`;
  const password = 'una clave de mesa de partes bastante larga';
  await signIn(staff, username, password, addStaff(username, password, 'document-registry'));
  await expect(staff).toHaveURL(/\/oficina\/inicio$/);
  await staff.getByRole('link', { name: 'Expedientes' }).click();
  await expect(staff.locator('#open-expedientes')).toContainText(number);
  await noAxeViolations(staff);

  // Received, then observed with two working days to correct.
  await staffCase(staff, number);
  await staff.locator('#action-receive').getByRole('button', { name: 'Recibir' }).click();
  await expect(staff.locator('#action-done')).toContainText('Recibido en mesa de partes');
  await staff.locator('#action-observe').getByRole('button', { name: 'Observar' }).click();
  await expect(staff.locator('#action-errors')).toContainText('Escriba la nota');
  await staff.locator('#action-observe-note').fill('Falta la copia del DNI.\nAdjúntela en PDF.');
  await staff.locator('#action-observe').getByRole('button', { name: 'Observar' }).click();
  await expect(staff.locator('#expediente-state')).toHaveText('Observado: falta subsanar');
  await noAxeViolations(staff);

  // The applicant sees the observation and the paused clock, and answers it.
  await track(page, number, code);
  await expect(page.locator('#deadline-status')).toContainText('subsane hasta el');
  await expect(page.locator('#deadline-due')).toContainText('En pausa');
  await expect(page.locator('#timeline')).toContainText('Falta la copia del DNI.\nAdjúntela en PDF.', { useInnerText: true });
  await page.getByLabel('Lo que corrige').fill('Adjunto la copia de mi DNI.');
  await page.locator('#correction_documents').setInputFiles([file('dni.pdf', pdf('DNI 45678912'))]);
  await page.getByRole('button', { name: 'Enviar la subsanación' }).click();
  await expect(page.locator('#corrected')).toBeVisible();
  await expect(page.locator('#expediente-state')).toHaveText('En trámite');
  await noAxeViolations(page);

  // A holiday on the due day moves the deadline to a later working day, for staff and applicant.
  await staffCase(staff, number);
  await expect(staff.locator('#timeline [data-kind="corrected"]')).toContainText('dni.pdf');
  const due = (await staff.locator('#deadline-due').getAttribute('data-day'))!;
  await staff.goto('/oficina/feriados');
  await staff.getByLabel('Día', { exact: true }).fill(due);
  await staff.getByLabel('Motivo').fill('Día no laborable decretado (prueba)');
  await staff.getByRole('button', { name: 'Agregar', exact: true }).click();
  await expect(staff.locator('#holiday-done')).toContainText('se movió el plazo');
  await noAxeViolations(staff);
  await staffCase(staff, number);
  const moved = (await staff.locator('#deadline-due').getAttribute('data-day'))!;
  expect(moved > due).toBe(true);
  await track(page, number, code);
  await expect(page.locator('#deadline-due')).toHaveAttribute('data-day', moved);
  await staff.goto('/oficina/feriados');
  await staff.getByRole('row', { name: new RegExp('Día no laborable decretado') }).getByRole('button', { name: /Quitar/ }).click();
  await expect(staff.locator('#holiday-done')).toContainText('Se quitó');

  // Resolved with a response document, which the applicant downloads.
  await staffCase(staff, number);
  await staff.locator('#action-resolve-note').fill('Se otorga la licencia solicitada.');
  await staff.locator('#action-resolve-document').setInputFiles([file('resolucion.pdf', pdf('Resolucion 123'))]);
  await staff.locator('#action-resolve').getByRole('button', { name: 'Resolver' }).click();
  await expect(staff.locator('#expediente-state')).toHaveText('Resuelto');
  await track(page, number, code);
  await expect(page.locator('#expediente-state')).toHaveText('Resuelto');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /resolucion\.pdf/ }).click()]);
  expect(download.suggestedFilename()).toBe('resolucion.pdf');
  const path = await download.path();
  expect(readFileSync(path, 'latin1')).toContain('Resolucion 123');
  await staffContext.close();
});

test('the desk imports a CSV all or nothing, naming each bad line; the created expedientes can be tracked', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the desk works at a desktop; the form itself is checked without JavaScript too');
  const username = `mesa-${randomBytes(4).toString('hex')}`;
  const password = 'una clave de mesa de partes bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'document-registry'));
  const header = 'fecha,procedimiento,tipo_documento,documento,nombre,direccion,correo,asunto';
  const bad = testInfo.outputPath('malo.csv');
  writeFileSync(bad, `${header}\n2026-11-30,SG-01,dni,45678912,Rosa,Calle 1,rosa@example.pe,Pedido\n2026-11-30,NO-EXISTE,dni,123,Luis,Calle 2,luis@example.pe,Otro\n`);
  await page.goto('/oficina/expedientes');
  await page.getByLabel('Archivo CSV').setInputFiles(bad);
  await page.getByRole('button', { name: 'Importar' }).click();
  await expect(page.locator('#import-errors')).toContainText('Línea 3: El DNI tiene 8 dígitos');
  await expect(page.locator('#import-errors')).toContainText('Línea 3: Elija el procedimiento');
  await expect(page.locator('body')).toContainText('No se creó ningún expediente');
  const good = testInfo.outputPath('bueno.csv');
  const tag = randomBytes(3).toString('hex');
  writeFileSync(good, `${header}\n2026-11-30,SG-01,dni,45678912,Rosa ${tag},"Calle 1, Miraflores",rosa@example.pe,Pedido\n2026-12-01,AIP-01,ruc,20131312955,Empresa ${tag} SAC,Calle 2,mesa@empresa.pe,"Dos\nlíneas"\n`);
  await page.getByLabel('Archivo CSV').setInputFiles(good);
  await page.getByRole('button', { name: 'Importar' }).click();
  await expect(page.locator('#import-done')).toContainText('Se crearon 2 expedientes');
  const row = page.locator('#import-done tbody tr').nth(1);
  const number = (await row.locator('th').textContent())!.trim();
  const code = (await row.locator('td').nth(1).textContent())!.trim();
  await noAxeViolations(page);
  await track(page, number, code);
  await expect(page.locator('#expediente-state')).toHaveText('Recibido en mesa de partes');
});
