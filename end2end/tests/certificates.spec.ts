// Civil-registry certificates end to end, with the payment sandbox as its own process: records
// imported by a civil-registry account; a reserved record and an unknown one refused with the
// fields kept; a request paid by card, issued by the staff, downloaded as a PDF and checked at
// /verificar; a tampered code refused; a revoked certificate shown as revoked.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { E2E_DIR } from './report-support';
import { jsEnabled } from './pages';
import { addStaff, expectNoAxeViolations, signIn } from './staff-support';

const SANDBOX = process.env.SANDBOX_URL ?? '';
test.skip(!E2E_DIR || !SANDBOX, 'needs PORTAL_E2E_DIR and SANDBOX_URL: run through scripts/test, which starts both');

let withJavaScript = true;
test.beforeEach(({}, testInfo) => {
  withJavaScript = jsEnabled(testInfo);
});
const noAxeViolations = async (page: Page) => withJavaScript && (await expectNoAxeViolations(page));

/** Signs in a new civil-registry account (a code of an authenticator is taken once: a second sign-in
 * of the same account within its 30 seconds would be refused). */
async function signInRegistrar(page: Page) {
  const username = `registro-${randomBytes(4).toString('hex')}`;
  const password = 'una clave del registro civil bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'civil-registry'));
  await expect(page).toHaveURL(/\/oficina\/inicio/);
}

/** Two records of its own (one reserved), imported by a civil-registry account; their numbers. */
async function newRecords(page: Page, testInfo: TestInfo): Promise<{ free: string; reserved: string }> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  await signInRegistrar(page);
  const file = testInfo.outputPath(`partidas-${tag}.csv`);
  writeFileSync(
    file,
    'tipo,numero_acta,fecha,nombres,reserva\n' +
      `nacimiento,A-${tag},2019-05-04,Lucía Quispe ${tag},\n` +
      `nacimiento,R-${tag},2015-08-21,Mateo Vargas ${tag},adopcion\n`,
  );
  await page.goto('/oficina/registro-civil');
  await noAxeViolations(page);
  await page.getByLabel('Archivo CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Importar' }).click();
  await expect(page.locator('#import-done')).toContainText('Se guardaron 2 partidas');
  await page.getByRole('button', { name: 'Salir' }).click();
  return { free: `A-${tag}`, reserved: `R-${tag}` };
}

async function fillRequest(page: Page, number: string, date: string) {
  await page.goto('/tramites/partidas');
  await page.getByLabel('Partida de nacimiento').check();
  await page.getByLabel('Número de acta').fill(number);
  await page.getByLabel('Fecha del nacimiento, matrimonio o defunción').fill(date);
  await page.getByLabel('Documento de identidad').selectOption('dni');
  await page.getByLabel('Número de documento').fill('45678912');
  await page.getByLabel('Nombres y apellidos').fill('Rosa Rojas Díaz');
  await page.getByLabel('Correo electrónico').fill('rosa@example.pe');
  await page.getByLabel('Relación con el titular').selectOption('padre-madre');
  await page.getByRole('button', { name: 'Solicitar la copia' }).click();
}

async function follow(page: Page, number: string, code: string) {
  await page.goto('/tramites/partidas/solicitud');
  await page.getByLabel('Número de solicitud').fill(number);
  await page.getByLabel('Código de verificación').fill(code);
  await page.getByRole('button', { name: 'Ver mi solicitud' }).click();
}

test('a reserved record is refused with its reason and an unknown one too, the fields kept', async ({ page }, testInfo) => {
  const { reserved } = await newRecords(page, testInfo);
  await fillRequest(page, reserved, '2015-08-21');
  await expect(page.locator('#request-errors')).toContainText('no se expide en línea porque es la partida original de una adopción');
  await expect(page.getByLabel('Número de acta')).toHaveValue(reserved);
  await expect(page.getByLabel('Correo electrónico')).toHaveValue('rosa@example.pe');
  await noAxeViolations(page);
  await fillRequest(page, reserved, '2015-08-22');
  await expect(page.locator('#request-errors')).toContainText('No encontramos una partida');
});

test('a certificate is requested, paid, issued, downloaded, checked, tampered with and revoked', async ({ page }, testInfo) => {
  const { free } = await newRecords(page, testInfo);
  await fillRequest(page, free, '2019-05-04');
  const number = (await page.locator('#receipt-number').textContent())!.trim();
  const code = (await page.locator('#receipt-code').textContent())!.trim();
  await expect(page.locator('#request-state')).toHaveAttribute('data-state', 'awaiting-payment');
  await noAxeViolations(page);

  // The fee by card: the sandbox's checkout, then back; the provider's word settles it.
  await page.locator('#method-card').check();
  await page.getByRole('button', { name: /^Pagar S\// }).click();
  await expect(page).toHaveURL(new RegExp(`^${SANDBOX}/pagar/`));
  await page.getByRole('button', { name: /^Pagar S\// }).click();
  await expect(page).toHaveURL(/\/tributos\/pago\?id=/);
  await expect(page.locator('#payment-status')).toHaveAttribute('data-status', 'paid');
  await expect(page.locator('#payment-for')).toContainText(number);
  await follow(page, number, code);
  await expect(page.locator('#request-state')).toHaveAttribute('data-state', 'paid');

  // A wrong code: the same answer as an unknown number.
  await follow(page, number, 'AAAAA-AAAAA');
  const wrong = await page.locator('#follow-errors').textContent();
  await follow(page, 'RC-2026-999999', code);
  expect(await page.locator('#follow-errors').textContent()).toBe(wrong);

  // The registry issues it.
  await signInRegistrar(page);
  await page.goto('/oficina/registro-civil');
  await page.locator(`#request-${number}`).getByRole('button', { name: 'Emitir y firmar' }).click();
  await expect(page.locator('#action-done')).toContainText(`Certificado ${number} emitido`);
  await page.getByRole('button', { name: 'Salir' }).click();

  // The applicant downloads the PDF and checks the signed code.
  await follow(page, number, code);
  await expect(page.locator('#request-state')).toHaveAttribute('data-state', 'issued');
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Descargar el certificado (PDF)' }).click()]);
  expect(readFileSync(await pdf.path(), 'latin1')).toMatch(/^%PDF-1\.\d[\s\S]* re\n[\s\S]*%%EOF\s*$/);
  const sealCode = (await page.locator('#seal-code').textContent())!.trim();
  await page.goto(`/verificar?c=${sealCode}`);
  await expect(page.locator('#verify-status')).toHaveAttribute('data-status', 'valid');
  await expect(page.locator('#certificate-names')).toContainText('Lucía Quispe');
  await noAxeViolations(page);

  // One name changed in the signed data: the signature no longer matches.
  const [data, signature] = sealCode.split('.');
  const forged = Buffer.from(Buffer.from(data, 'base64url').toString('utf8').replace('Lucía', 'Lucas')).toString('base64url');
  const response = await page.goto(`/verificar?c=${forged}.${signature}`);
  expect(response!.status()).toBe(422);
  await expect(page.locator('#verify-errors')).toContainText('no es válido');
  await expect(page.locator('#certificate-data')).toHaveCount(0);

  // Revoked by the registry, with a reason: /verificar says so.
  await signInRegistrar(page);
  await page.goto('/oficina/registro-civil');
  const row = page.locator(`#request-${number}`);
  await row.getByLabel('Motivo').fill('Expedido con un error en la fecha');
  await row.getByRole('button', { name: 'Revocar' }).click();
  await expect(page.locator('#action-done')).toContainText(`Certificado ${number} revocado`);
  await page.getByRole('button', { name: 'Salir' }).click();
  await page.goto(`/verificar?c=${sealCode}`);
  await expect(page.locator('#verify-status')).toHaveAttribute('data-status', 'revoked');
  await expect(page.locator('#verify-status')).toContainText('Expedido con un error en la fecha');
});

test('the public key is published for checks without the portal', async ({ page }) => {
  await page.goto('/verificar');
  await expect(page.locator('#public-key')).toContainText('-----BEGIN PUBLIC KEY-----');
  const pem = await (await page.request.get('/verificar/clave-publica.pem')).text();
  expect(pem).toBe((await page.locator('#public-key').textContent())!);
  await noAxeViolations(page);
});
