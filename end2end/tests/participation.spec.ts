// Neighbourhood votes end to end in Chromium: a participation account imports a census and creates a
// poll through the staff forms; residents vote through the island (their token blinded and unblinded
// in WebAssembly); the same DNI cannot get a second token; a token cannot carry a second ballot and a
// ballot without a valid token is refused; no count shows before the close; after it the results show
// turnout against the census and each voter finds their ballot code. Without JavaScript the voting
// page says why it needs it and where to vote in person.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { E2E_DIR } from './report-support';
import { jsEnabled, waitForHydration, watch } from './pages';
import { addStaff, expectNoAxeViolations, signIn } from './staff-support';

test.skip(!E2E_DIR, 'needs PORTAL_E2E_DIR: run through scripts/test, which starts the server');

/** Lima's wall clock (UTC−5 all year) `minutes` from now, rounded up to the minute, as a
 * `datetime-local` value; and that instant. */
function limaMinute(fromNow: number): { value: string; at: number } {
  const at = Math.ceil((Date.now() + fromNow) / 60_000) * 60_000;
  const lima = new Date(at - 5 * 3600_000).toISOString().slice(0, 16);
  return { value: lima, at };
}

async function waitUntil(at: number) {
  const left = at - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left + 1500));
}

type Resident = { dni: string; birth: string };

/** A census of three residents in a zone of this test's own, and a poll of that zone that opens at the
 * next minute (at least 15 s away) and closes one minute later, made through the staff page. */
async function newPoll(page: Page, testInfo: import('@playwright/test').TestInfo, withJavaScript: boolean) {
  const tag = randomBytes(3).toString('hex');
  const username = `participa-${tag}`;
  const password = 'una clave de participación bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'participation'));
  await expect(page).toHaveURL(/\/oficina\/inicio/);
  await page.getByRole('link', { name: 'Participación vecinal' }).click();
  const zone = `Zona E2E ${tag}`;
  const base = 70_000_000 + randomInt(0, 9_000_000);
  const residents: Resident[] = [0, 1, 2].map((n) => ({ dni: String(base + n * 1000), birth: `198${n}-0${n + 1}-1${n}` }));
  const file = testInfo.outputPath(`padron-${tag}.csv`);
  writeFileSync(
    file,
    'dni,nombres,fecha_nacimiento,zona\n' + residents.map((r, n) => `${r.dni},Vecino ${n} ${tag},${r.birth},${zone}\n`).join(''),
  );
  await page.getByLabel('Archivo CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Importar' }).click();
  await expect(page.locator('#import-done')).toContainText('3 vecinos importados');

  // A refused form keeps what was typed and names each problem. (Upcoming polls of other tests have
  // their own question forms on the page: the new poll's form is the one with its button.)
  const title = `Horario del mercado ${tag}`;
  const form = () => page.locator('form', { has: page.getByRole('button', { name: 'Crear la consulta' }) });
  await form().getByLabel('Título').fill(title);
  await page.getByRole('button', { name: 'Crear la consulta' }).click();
  await expect(page.locator('#poll-errors')).toContainText('Escribe la descripción');
  await expect(page.locator('#poll-errors')).toContainText('Escribe al menos dos opciones');
  await expect(form().getByLabel('Título')).toHaveValue(title);
  if (withJavaScript) await expectNoAxeViolations(page);

  const opens = limaMinute(15_000);
  const closes = { value: new Date(opens.at + 120_000 - 5 * 3600_000).toISOString().slice(0, 16), at: opens.at + 120_000 };
  await form().getByLabel('Descripción').fill('¿A qué hora abre el mercado de Santa Cruz los domingos?');
  await form().getByLabel('Quiénes votan').selectOption(zone);
  await form().getByLabel('Apertura (hora de Lima)').fill(opens.value);
  await form().getByLabel('Cierre (hora de Lima)').fill(closes.value);
  await form().getByLabel('Pregunta', { exact: true }).fill('¿Horario de los domingos?');
  await form().getByLabel('Una opción').check();
  await form().getByLabel('Opciones, una por línea').fill('De 7 a 13\nDe 9 a 15');
  await page.getByRole('button', { name: 'Crear la consulta' }).click();
  await expect(page.locator('#action-done')).toContainText(`Consulta creada: ${title}`);
  const poll = await page.locator('li.poll', { hasText: title }).getAttribute('data-poll');
  await page.getByRole('button', { name: 'Salir' }).click();
  return { poll: poll!, title, residents, opens, closes };
}

/** A resident's vote through the island; the ballot's code, or the error summary's text. With
 * `dropFirst`, every cast request fails until the page offers to send again (the network gone after
 * the token came), then the network comes back and the voter sends again. */
async function vote(browser: Browser, poll: string, resident: Resident, option: string, dropFirst = false) {
  // A context of its own: no cookie of anyone else's.
  const context = await browser.newContext();
  const page = await context.newPage();
  const casts: { cookie?: string; body: string }[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/papeleta')) casts.push({ cookie: request.headers()['cookie'], body: request.postData() ?? '' });
  });
  await page.goto(`/participacion/votar?consulta=${poll}`);
  await waitForHydration(page);
  await expect(page.locator('#vote-needs-script')).toBeHidden();
  await page.getByLabel(option).check();
  await page.getByRole('button', { name: 'Continuar' }).click();
  await page.getByLabel('DNI').fill(resident.dni);
  await page.getByLabel('Fecha de nacimiento').fill(resident.birth);
  if (dropFirst) await page.route('**/papeleta', (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: 'Firmar y enviar mi voto' }).click();
  if (dropFirst) {
    // The page keeps the signed token: this DNI could not get another one.
    const again = page.getByRole('button', { name: 'Enviar mi voto de nuevo' });
    await expect(again).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('#vote-status')).toContainText('Tu ficha firmada sigue en esta página');
    await page.unroute('**/papeleta');
    await again.click();
    await expect(page.locator('#ballot-code')).toBeVisible({ timeout: 20_000 });
  }
  const done = page.locator('#ballot-code');
  const refused = page.locator('.error-summary:visible');
  await expect(done.or(refused)).toBeVisible({ timeout: 20_000 });
  const code = (await done.isVisible()) ? await done.innerText() : undefined;
  const problem = code ? undefined : await refused.innerText();
  await context.close();
  return { code, problem, casts };
}

test('a resident votes anonymously, once; results and ballots appear only after the close', async ({ page, browser, request, baseURL }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'voting needs JavaScript (the page says so: next test)');
  test.setTimeout(300_000);
  const { poll, title, residents, opens, closes } = await newPoll(page, testInfo, true);

  // Before it opens, and until it closes: no count anywhere.
  const results = `/participacion/resultados?consulta=${poll}`;
  await page.goto(results);
  await expect(page.locator('#results-hidden')).toBeVisible();
  await waitUntil(opens.at);

  const watcher = watch(page, baseURL!);
  await page.goto(`/participacion/votar?consulta=${poll}`);
  await waitForHydration(page);
  await expectNoAxeViolations(page);
  watcher.verify();

  const first = await vote(browser, poll, residents[0], 'De 7 a 13');
  expect(first.problem).toBeUndefined();
  expect(first.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  // The ballot left without a cookie, and carries no DNI.
  expect(first.casts.length).toBeGreaterThan(0);
  expect(first.casts.every((cast) => cast.cookie === undefined)).toBe(true);
  expect(first.casts[0].body).not.toContain(residents[0].dni);

  // The same DNI cannot get a second token.
  const again = await vote(browser, poll, residents[0], 'De 9 a 15');
  expect(again.problem).toContain('Este DNI ya recibió su ficha');

  // The first ballot's token cannot carry another ballot; a ballot without a valid token is refused.
  const cast = `/participacion/consultas/${poll}/papeleta`;
  const reused = JSON.parse(first.casts[0].body);
  const other = await request.post(cast, { data: { ...reused, choices: [[1]] } });
  expect(other.status()).toBe(422);
  expect((await other.json()).code).toBe('choices-not-in-token');
  const replay = await request.post(cast, { data: reused });
  expect((await replay.json()).ballot_code).toBe(first.code);
  const forged = await request.post(cast, { data: { ...reused, signature: reused.signature.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A')) } });
  expect(forged.status()).toBe(422);
  expect((await forged.json()).code).toBe('bad-token');

  const second = await vote(browser, poll, residents[1], 'De 9 a 15', true);
  expect(second.code).toBeTruthy();

  // Still open: the results page, the files and the staff page show no count.
  await page.goto(results);
  await expect(page.locator('#results-hidden')).toBeVisible();
  await expect(page.locator('#turnout')).toHaveCount(0);
  expect((await request.get(`/participacion/consultas/${poll}/papeletas.json`)).status()).toBe(404);

  await waitUntil(closes.at);
  await page.goto(results);
  await expect(page.locator('#turnout')).toHaveText(
    'Participación: 2 votos de 3 vecinos del padrón (66,6 %). Fichas entregadas: 2.',
  );
  await expect(page.locator('#tally-0')).toContainText('De 7 a 13');
  await expectNoAxeViolations(page);
  // Each voter finds their own ballot code in the published list.
  for (const [ballot, answer] of [[first.code!, 'De 7 a 13'], [second.code!, 'De 9 a 15']]) {
    await page.getByLabel('Código de papeleta').fill(ballot.toLowerCase());
    await page.getByRole('button', { name: 'Buscar' }).click();
    await expect(page.locator('#ballot-found')).toContainText(ballot);
    await expect(page.locator('#ballot-found')).toContainText(`¿Horario de los domingos?: ${answer}`);
  }
  const published = await (await request.get(`/participacion/consultas/${poll}/papeletas.json`)).json();
  expect(published.poll.title).toBe(title);
  expect(published.ballots.map((b: { code: string }) => b.code).sort()).toEqual([first.code, second.code].sort());
  expect(published.tokens_issued).toBe(2);
  // A ballot after the close is refused.
  expect((await request.post(cast, { data: reused })).status()).toBe(409);
});

test('without JavaScript the voting page says why it needs it and where to vote in person', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { poll, opens } = await newPoll(page, testInfo, jsEnabled(testInfo));
  await waitUntil(opens.at);
  await page.goto(`/participacion/votar?consulta=${poll}`);
  if (jsEnabled(testInfo)) {
    await waitForHydration(page);
    await expect(page.locator('#vote-needs-script')).toBeHidden();
  } else {
    await expect(page.locator('#vote-needs-script')).toBeVisible();
    await expect(page.locator('#vote-needs-script')).toContainText('módulos descentralizados de seguridad ciudadana');
    await expect(page.getByRole('button', { name: 'Continuar' })).toBeDisabled();
  }
  await page.goto('/en/participacion');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vote in neighbourhood polls');
});
