// The integrity office's loop end to end: a report sent in Chromium is pulled by the officer tool on
// the online machine, carried in a bundle to the "air-gapped" folder and opened there (byte for byte
// what the reference age CLI decrypts), acknowledged and answered; the reporter reads the answer with
// the receipt in Chromium and writes back; the officer opens that too. Neither the receipt nor any
// message text crosses the network in the clear.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, E2E_DIR, IDENTITY_FILE, expectReceipt, leaks, recordingProxy, sql } from './report-support';
import { SHOTS, jsEnabled, waitForHydration, watch } from './pages';
import { TAGS, addStaff, expectNoAxeViolations, signIn, totp } from './staff-support';

test.skip(!E2E_DIR, 'needs PORTAL_E2E_DIR: run through scripts/test, which owns the server and its data');

const OFFICER = process.env.OFFICER_BIN ?? join(process.cwd(), '..', 'target', 'release', 'officer');


function officer(folder: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(OFFICER, ['--folder', folder, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function scratchDir(testInfo: TestInfo): string {
  const dir = testInfo.outputPath('scratch');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The case in `folder` whose opened report mentions `marker`. */
function caseWith(folder: string, marker: string): string {
  for (const id of readdirSync(join(folder, 'cases'))) {
    try {
      if (readFileSync(join(folder, 'cases', id, 'opened', 'report.txt'), 'utf8').includes(marker)) return id;
    } catch {
      // A case another test is filing may not be openable yet; it is not ours.
    }
  }
  throw new Error(`no opened case mentions ${marker}`);
}

test('report, offline opening, acknowledgement and reply, the reporter reads and answers, the officer opens the answer', async ({ page, baseURL }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one run of the whole loop; every page is checked on each project elsewhere');
  test.setTimeout(180_000);
  const scratch = scratchDir(testInfo);
  const online = join(scratch, 'online');
  const airgap = join(scratch, 'airgap');
  const tag = randomBytes(6).toString('hex');
  const description = `Cobro indebido en licencias ${tag}`;
  const evidence = join(scratch, 'evidencia.txt');
  writeFileSync(evidence, `recibo escaneado ${tag}\n`.repeat(2000));
  const credentials = JSON.parse(readFileSync(join(DATA_DIR, 'demo-officer.json'), 'utf8'));

  // 1. The reporter files a report with an attachment.
  await page.goto('/denuncia/formulario');
  await waitForHydration(page);
  await page.getByLabel('¿Qué pasó?').fill(description);
  await page.getByLabel('Tipo de hecho').selectOption('soborno');
  await page.getByLabel('Archivos (opcional)').setInputFiles([evidence]);
  await page.getByRole('button', { name: 'Enviar denuncia' }).click();
  await expectReceipt(page, 90_000);
  const receipt = ((await page.locator('#receipt-number').textContent()) ?? '').trim();

  // 2. Online: sign in and pull into a bundle. Air-gapped: import and open with the identity file.
  officer(online, ['login', '--server', baseURL!, '--username', credentials.username, '--code', totp(credentials.totp_secret)], {
    OFFICER_PASSWORD: credentials.password,
  });
  const casesBundle = join(scratch, 'casos.tar');
  officer(online, ['pull', '--bundle', casesBundle]);
  // An interrupted pull resumes: cut one attachment back to a half-downloaded `.part`; the next pull
  // fetches only the rest (HTTP Range) and the file is whole again.
  const objectsDir = (dir: string) => join(dir, 'objects');
  const caseDirs = readdirSync(join(online, 'cases')).map((c) => join(online, 'cases', c));
  const withObject = caseDirs.find((dir) => readdirSync(objectsDir(dir)).length > 0)!;
  const objectName = readdirSync(objectsDir(withObject))[0];
  const object = join(objectsDir(withObject), objectName);
  const whole = readFileSync(object);
  writeFileSync(object.replace(/\.age$/, '.part'), whole.subarray(0, Math.floor(whole.length / 2)));
  unlinkSync(object);
  const half = Math.floor(whole.length / 2);
  expect(officer(online, ['pull'])).toMatch(/Pulled \d+ new file/);
  expect(readFileSync(object).equals(whole)).toBe(true);
  // The server's audit log shows the second pull asked only for the missing bytes.
  const ranged = sql("SELECT detail FROM audit_log WHERE action = 'cases.pull_object'");
  expect(ranged).toContain(`object=${objectName} bytes=${half}-`);
  officer(airgap, ['import', casesBundle]);
  expect(readdirSync(airgap).sort()).toEqual(['cases', 'keys.json']);
  officer(airgap, ['open', '--identity', IDENTITY_FILE]);
  const id = caseWith(airgap, tag);
  const opened = join(airgap, 'cases', id, 'opened');
  expect(readFileSync(join(opened, 'report.txt'), 'utf8')).toContain(`Descripción:\n| ${description}\n`);
  // What the tool decrypted is exactly what the stock age CLI decrypts (less the padding spaces).
  const byAge = execFileSync('age', ['--decrypt', '--identity', IDENTITY_FILE, join(airgap, 'cases', id, 'report.age')]);
  expect(readFileSync(join(opened, 'report.json')).equals(Buffer.from(byAge.toString('utf8').trimEnd()))).toBe(true);
  expect(readFileSync(join(opened, 'attachments', 'evidencia.txt')).equals(readFileSync(evidence))).toBe(true);

  // 3. The case is triaged and answered: the reply (with a file) is encrypted offline, pushed online.
  expect(officer(online, ['status', id, '--set', 'under-investigation', '--category', 'colusion'])).toContain('under_investigation');
  // Two paragraphs: the reporter must see the line breaks the office wrote.
  const replyText = `Gracias. Hemos iniciado la investigación ${tag}.\n\nAdjuntamos el oficio.`;
  const replyFile = join(scratch, 'oficio.txt');
  writeFileSync(replyFile, `Oficio N.º 123-${tag}`);
  officer(airgap, ['reply', id, '--text', replyText, '--attach', replyFile]);
  const outbox = join(scratch, 'respuestas.tar');
  officer(airgap, ['export', '--outbox', '--out', outbox]);
  expect(officer(online, ['push', '--bundle', outbox])).toContain(`Reply to case ${id} sent`);
  expect(officer(online, ['push'])).toContain('Nothing to send');

  // 4. The reporter follows the case with the receipt, through a proxy that records every byte.
  const proxy = await recordingProxy(baseURL!);
  const watcher = watch(page, proxy.url);
  const answer = `Puedo declarar el martes ${tag}`;
  try {
    await page.goto(`${proxy.url}/denuncia/seguimiento`);
    await waitForHydration(page);
    await page.getByLabel('Constancia').fill(receipt);
    await page.getByRole('button', { name: 'Consultar' }).click();
    await expect(page.locator('#case-status')).toHaveText('En investigación', { timeout: 60_000 });
    const shown = page.locator('.message--office .message__text');
    await expect(shown).toContainText('Adjuntamos el oficio.');
    expect(await shown.evaluate((element) => (element as HTMLElement).innerText)).toBe(replyText);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Descargar oficio\.txt/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('oficio.txt');
    expect(readFileSync((await download.path())!, 'utf8')).toBe(`Oficio N.º 123-${tag}`);
    const axe = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    await page.getByLabel('Su mensaje').fill(answer);
    await page.getByLabel('Archivos (opcional)').setInputFiles([evidence]);
    await page.getByRole('button', { name: 'Enviar mensaje' }).click();
    await expect(page.locator('#message-sent')).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('.message:not(.message--office) .message__text')).toHaveText(answer);
    watcher.verify();
  } finally {
    await proxy.close();
  }
  const needles = [receipt, receipt.replaceAll('-', ''), replyText, answer, `Oficio N.º 123-${tag}`, `recibo escaneado ${tag}`].map((t) => Buffer.from(t));
  for (const request of proxy.recorded) {
    expect(leaks(Buffer.from(request.url), needles), `plaintext in URL ${request.url}`).toEqual([]);
    expect(leaks(request.body, needles), `plaintext in the body of ${request.method} ${request.url}`).toEqual([]);
  }
  expect(proxy.recorded.some((r) => r.url.endsWith('/api/follow-up/messages'))).toBe(true);

  // 5. The officer pulls again and opens the reporter's answer offline.
  const again = join(scratch, 'casos-2.tar');
  officer(online, ['pull', '--bundle', again]);
  officer(airgap, ['import', again]);
  officer(airgap, ['open', '--identity', IDENTITY_FILE, id]);
  const messages = readdirSync(join(opened, 'messages'));
  const fromReporter = messages.find((name) => name.startsWith('02-reporter-') && name.endsWith('.txt'))!;
  expect(readFileSync(join(opened, 'messages', fromReporter), 'utf8')).toContain(answer);
  const answerFiles = join(opened, 'messages', fromReporter.replace(/\.txt$/, '-adjuntos'));
  expect(readFileSync(join(answerFiles, 'evidencia.txt')).equals(readFileSync(evidence))).toBe(true);
  const officeFile = readFileSync(join(opened, 'messages', messages.find((n) => n.startsWith('01-office-') && n.endsWith('.txt'))!), 'utf8');
  for (const line of replyText.split('\n').filter((l) => l)) expect(officeFile).toContain(line);

  // 6. The audit log holds every step and its chain verifies; the officer's case list shows the case.
  expect(officer(online, ['audit', 'verify'])).toContain('Audit log intact');
  const list = officer(online, ['cases', '--online']);
  expect(list).toMatch(new RegExp(`${id}\\s+\\S+\\s+under_investigation`));

  // 7. The web view: sign in with password and code, see the case by its metadata only.
  await page.goto('/oficina');
  await page.getByLabel('Usuario').fill(credentials.username);
  await page.getByLabel('Contraseña').fill(credentials.password);
  await page.getByLabel('Código de verificación').fill(totp(credentials.totp_secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await expect(page).toHaveURL(/\/oficina\/casos$/);
  const row = page.locator('tr', { has: page.locator(`code:text-is("${id}")`) });
  await expect(row).toContainText('En investigación');
  await expect(row).toContainText('Colusión en contrataciones');
  await expect(page.locator('body')).not.toContainText(description);
  // At 1280 px the whole table shows: case ids on one line, no column cut off.
  const [tableRight, mainRight] = await Promise.all(
    ['table.cases', 'main'].map((selector) => page.locator(selector).evaluate((e) => e.getBoundingClientRect().right)),
  );
  expect(tableRight).toBeLessThanOrEqual(mainRight + 1);
  const idCell = row.locator('code');
  expect((await idCell.boundingBox())!.height).toBeLessThan(40);
  mkdirSync(join(SHOTS, 'desktop'), { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'desktop', 'oficina_casos.png'), fullPage: true });
  const axe = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  await page.getByRole('button', { name: 'Salir' }).click();
  await expect(page).toHaveURL(/\/oficina$/);
  await page.goto('/oficina/casos');
  await expect(page).toHaveURL(/\/oficina$/);
});

test('a wrong or mistyped receipt gets the same answer as a missing one', async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'the follow-up page needs JavaScript');
  await page.goto('/denuncia/seguimiento');
  await waitForHydration(page);
  // A mistyped one (check digit) is refused before any request; a well-formed unknown one after.
  for (const receipt of ['4821-9021-7730-0158-2264-9913-5571', '0000-0000-0000-0000-0000-0000-0000']) {
    await page.getByLabel('Constancia').fill(receipt);
    await page.getByRole('button', { name: 'Consultar' }).click();
    await expect(page.getByRole('alert')).toContainText('Ningún caso corresponde a esta constancia', { timeout: 60_000 });
    await expect(page.getByLabel('Constancia')).toHaveValue(receipt);
  }
});

test('without JavaScript the follow-up page says why it cannot work and sends nothing', async ({ page }, testInfo) => {
  test.skip(jsEnabled(testInfo), 'the no-JavaScript project');
  await page.goto('/denuncia/seguimiento');
  await expect(page.locator('#follow-up-needs-script')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Consultar' })).toBeDisabled();
});

test('a signed-in staff member without the integrity officer role sees no case', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one browser is enough for a server-rendered page');
  const username = `tesoreria-${randomBytes(4).toString('hex')}`;
  const password = 'una clave de tesorería bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'treasury'));
  // Not an officer: the staff home, which lists the treasury's page and no case list.
  await expect(page).toHaveURL(/\/oficina\/inicio$/);
  await expect(page.locator('.staff-pages')).toContainText('Tributos y pagos');
  await expect(page.locator('.staff-pages a[href$="/oficina/casos"]')).toHaveCount(0);
  await expect(page.locator('main')).toContainText('Tesorería y rentas');
  await page.goto('/oficina/casos');
  await expect(page.locator('#missing-role')).toContainText(username);
  await expect(page.locator('table')).toHaveCount(0);
  const status = await page.evaluate(async () => (await fetch('/oficina/casos')).status);
  expect(status).toBe(403);
});

test('an account admin creates an account in the browser, its holder signs in with the key shown once, and the admin disables it', async ({ page, browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'plain server-rendered forms: one browser is enough');
  // Three sign-ins with Argon2 and two browsers: 30 s was its whole margin on 2 busy cores (29.5 s).
  test.setTimeout(90_000);
  const tag = randomBytes(4).toString('hex');
  const admin = `admin-${tag}`;
  const adminPassword = 'la clave del administrador de cuentas';
  await signIn(page, admin, adminPassword, addStaff(admin, adminPassword, 'account-admin'));
  await expect(page).toHaveURL(/\/oficina\/inicio$/);
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Cuentas del personal' }).click();
  await expect(page).toHaveURL(/\/oficina\/cuentas$/);
  await expectNoAxeViolations(page);
  // An account admin never sees cases: the case list is refused.
  expect(await page.evaluate(async () => (await fetch('/oficina/casos')).status)).toBe(403);

  // A password too short: the error summary names it, the user name and roles typed are kept.
  const holder = `registro-${tag}`;
  const form = page.locator('#new-account');
  await form.getByLabel('Usuario').fill(holder);
  await form.getByLabel('Contraseña inicial').fill('corta');
  await form.getByLabel('Registro civil').check();
  // The browser's own check (minlength) would stop it first; the server's is what is tested here.
  await form.evaluate((f: HTMLFormElement) => (f.noValidate = true));
  await form.getByRole('button', { name: 'Crear la cuenta' }).click();
  await expect(page.locator('.error-summary')).toContainText('al menos 12 caracteres');
  await expect(form.getByLabel('Usuario')).toHaveValue(holder);
  await expect(form.getByLabel('Registro civil')).toBeChecked();
  await expect(form.getByLabel('Contraseña inicial')).toHaveValue('');
  await expectNoAxeViolations(page);

  // Created: the key is shown once, on this answer only.
  const holderPassword = 'una clave inicial para registro civil';
  await form.getByLabel('Contraseña inicial').fill(holderPassword);
  await form.getByRole('button', { name: 'Crear la cuenta' }).click();
  await expect(page.locator('#account-created')).toContainText(holder);
  const secret = (await page.locator('#created-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.locator('table.accounts')).toContainText(holder);
  await expectNoAxeViolations(page);
  mkdirSync(join(SHOTS, 'desktop'), { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'desktop', 'oficina_cuentas.png'), fullPage: true });
  await page.goto('/oficina/cuentas');
  await expect(page.locator('body')).not.toContainText(secret);

  // The holder signs in (another browser) and lands on the staff home with the role given.
  const other = await browser.newContext();
  const holderPage = await other.newPage();
  await signIn(holderPage, holder, holderPassword, secret);
  await expect(holderPage).toHaveURL(/\/oficina\/inicio$/);
  await expect(holderPage.locator('main')).toContainText('Registro civil');

  // The integrity officer's role cannot be given here: the form does not offer it, and a forged
  // request is refused with the page's error.
  const section = page.locator(`#account-${holder}`);
  await expect(section.getByLabel('Oficina de Integridad Institucional')).toHaveCount(0);
  const forged = await page.evaluate(async (username) => {
    const body = new URLSearchParams({ username, action: 'roles', role: 'integrity-officer', prefix: '' });
    const response = await fetch('/oficina/cuentas/cambiar', { method: 'POST', body });
    return { status: response.status, text: await response.text() };
  }, holder);
  expect(forged.status).toBe(403);
  expect(forged.text).toContain('solo se da o se quita desde la línea de órdenes');

  // Disabled: the holder's open session ends with it.
  await section.getByRole('button', { name: 'Desactivar la cuenta' }).click();
  await expect(page.locator('#accounts-done')).toContainText(holder);
  await expect(page.locator('table.accounts tr', { hasText: holder })).toContainText('Desactivada');
  await holderPage.goto('/oficina/inicio');
  await expect(holderPage).toHaveURL(/\/oficina$/);
  await other.close();
});
