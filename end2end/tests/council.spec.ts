// Council sessions end to end: a council secretary imports councillors, records a session with its
// minutes and an agenda item with each councillor's vote through the forms; the public finds the
// session by councillor and by topic, reads each vote, and the open data's rows equal the page's table.
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { E2E_DIR } from './report-support';
import { jsEnabled } from './pages';
import { addStaff, expectNoAxeViolations, signIn } from './staff-support';

test.skip(!E2E_DIR, 'needs PORTAL_E2E_DIR: run through scripts/test, which starts the server');

const PDF = '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n';

test('a session entered by the secretary is found by councillor and topic; the CSV rows equal the table', async ({ page, request }, testInfo) => {
  const withJavaScript = jsEnabled(testInfo);
  const tag = randomBytes(3).toString('hex');
  const username = `secretaria-${tag}`;
  const password = 'una clave de la secretaría bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'council-secretary'));
  await expect(page).toHaveURL(/\/oficina\/inicio/);
  await page.getByRole('link', { name: 'Secretaría General: sesiones del Concejo' }).click();

  const [ana, luis] = [`ana-${tag}`, `luis-${tag}`];
  const members = testInfo.outputPath(`regidores-${tag}.csv`);
  writeFileSync(
    members,
    `id,nombre,partido,cargo,inicio,fin\n${ana},Ana ${tag},Lista A,regidor,2023-01-01,\n${luis},Luis ${tag},Lista B,regidor,2023-01-01,\n`,
  );
  await page.getByLabel('Archivo de regidores (CSV)').setInputFiles(members);
  await page.getByRole('button', { name: 'Importar' }).first().click();
  await expect(page.locator('#action-done')).toContainText('2 regidores importados');
  if (withJavaScript) await expectNoAxeViolations(page);

  // A session: a refusal names the problem and keeps the fields; then saved with its minutes.
  const number = `E2E-${tag}`;
  await page.getByLabel('Sesión', { exact: true }).first().fill(number);
  await page.getByLabel('Extraordinaria').check();
  await page.getByRole('button', { name: 'Guardar la sesión' }).click();
  await expect(page.locator('#council-errors')).toContainText('Indica la fecha de la sesión');
  await expect(page.locator('#number')).toHaveValue(number);
  await page.getByLabel('Fecha', { exact: true }).fill('2026-11-27');
  await page.getByLabel('Enlace del video (https://…)').fill('https://video.miraflores.example/sesion');
  const minutes = testInfo.outputPath(`acta-${tag}.pdf`);
  writeFileSync(minutes, PDF);
  await page.getByLabel('Acta aprobada (PDF, hasta 10 MB)').setInputFiles(minutes);
  await page.getByRole('button', { name: 'Guardar la sesión' }).click();
  await expect(page.locator('#action-done')).toContainText(`Sesión ${number} guardada`);

  // An item with each councillor's vote (the others in office keep the form's default).
  const topic = `veredas-${tag}`;
  await page.getByLabel('Sesión', { exact: true }).last().selectOption(number);
  await page.getByLabel('Asunto').fill(`Veredas accesibles ${tag}`);
  await page.getByLabel('Tema (palabras para la búsqueda)').fill(topic);
  await page.getByLabel('Acuerdo u ordenanza resultante').fill(`Acuerdo de Concejo ${tag}`);
  await page.getByLabel(`Ana ${tag}`).selectOption('a-favor');
  await page.getByLabel(`Luis ${tag}`).selectOption('abstencion');
  await page.getByRole('button', { name: 'Guardar el punto' }).click();
  await expect(page.locator('#action-done')).toContainText(`Punto 1 de la sesión ${number} guardado`);
  await page.getByRole('button', { name: 'Salir' }).click();

  // The public: by councillor, by topic.
  await page.goto('/concejo');
  await page.getByLabel('Regidor o regidora').selectOption(luis);
  await page.getByRole('button', { name: 'Buscar' }).click();
  await expect(page.locator(`tr[data-session="${number}"]`)).toBeVisible();
  await page.goto(`/concejo?tema=${encodeURIComponent(topic.toUpperCase())}`);
  await expect(page.locator('#sessions tbody tr')).toHaveCount(1);
  if (withJavaScript) await expectNoAxeViolations(page);
  await page.getByRole('link', { name: number }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Sesión Extraordinaria N.° ${number}`);
  await expect(page.locator('#item-1')).toContainText(`Acuerdo de Concejo ${tag}`);
  if (withJavaScript) await expectNoAxeViolations(page);

  // The page's votes table equals votos.csv's rows for the session (item, subject, councillor, vote).
  const shown = await page.locator('#votes-table tbody tr').evaluateAll((rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim())),
  );
  const csv = (await (await request.get('/datos/concejo/votos.csv')).text()).replace(/^\uFEFF/, '');
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  expect(header).toBe('sesion,fecha,punto,asunto,regidor_id,regidor,voto,opcion');
  const published = lines
    .map((line) => line.split(','))
    .filter((cells) => cells[0] === number)
    .map((cells) => [cells[2], cells[3], cells[5], cells[6]]);
  expect(shown).toEqual(published);
  expect(shown).toContainEqual(['1', `Veredas accesibles ${tag}`, `Luis ${tag}`, 'Abstención']);

  // A councillor's page, and the minutes.
  await page.getByRole('link', { name: `Ana ${tag}` }).first().click();
  await expect(page.locator('#attendance-summary')).toHaveText('Asistió a 1 de 1 sesiones registradas.');
  const pdf = await request.get(`/concejo/actas/${number}.pdf`);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
});
