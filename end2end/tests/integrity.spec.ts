// The integrity registers end to end: a transparency editor imports officials, registers a visit at the
// door (refused first, every field kept), its exit and an agenda act, and imports a visits file; the
// public searches visits and agendas and downloads what it found (the CSV rows equal the page's table).
// An affidavit with a brother and a spouse: the spouse is published, the brother is absent from the
// page, the list and the downloads.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { E2E_DIR } from './report-support';
import { jsEnabled } from './pages';
import { addStaff, expectNoAxeViolations, signIn } from './staff-support';

test.skip(!E2E_DIR, 'needs PORTAL_E2E_DIR: run through scripts/test, which starts the server');

const PASSWORD = 'una clave de transparencia bastante larga';

/** The rows of a table's body, each cell's text. */
const tableRows = (page: Page, selector: string) =>
  page.locator(`${selector} tbody tr`).evaluateAll((rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim())),
  );

/** The columns of visitas.csv the page's table shows, in its order (the rest are named on the page). */
const PAGE_VISIT_COLUMNS = [1, 2, 3, 4, 6, 7, 9, 10, 11, 13];

/** The rows of the CSV the page's own download link gives; `columns` picks the page's ones. */
async function downloadedRows(page: Page, request: APIRequestContext, columns?: number[]): Promise<string[][]> {
  const href = await page.locator('#downloads a', { hasText: 'CSV' }).getAttribute('href');
  expect(href).toMatch(/^\/datos\/integridad\/(visitas|agendas)\.csv/);
  const response = await request.get(href!);
  expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
  const text = (await response.text()).replace(/^\uFEFF/, '');
  // The cells here hold no comma, quote or line break: a plain split reads them.
  const rows = text.trim().split(/\r?\n/).slice(1).map((line) => line.split(','));
  return columns ? rows.map((cells) => columns.map((at) => cells[at])) : rows;
}

async function editor(page: Page, tag: string) {
  const username = `transparencia-${tag}`;
  await signIn(page, username, PASSWORD, addStaff(username, PASSWORD, 'transparency-editor'));
  await expect(page).toHaveURL(/\/oficina\/inicio/);
}

async function importOfficials(page: Page, tag: string, path: string) {
  await page.goto('/oficina/integridad');
  writeFileSync(
    path,
    `id,nombre,cargo,area,inicio,fin\nana-${tag},Ana ${tag},Gerente de Obras,Gerencia de Obras ${tag},2023-01-02,\n` +
      `luis-${tag},Luis ${tag},Subgerente de Logística,Subgerencia de Logística,2023-01-02,\n`,
  );
  await page.getByLabel('Archivo de funcionarios (CSV)').setInputFiles(path);
  await page.getByRole('button', { name: 'Importar' }).click();
  await expect(page.locator('#import-done')).toHaveText('Se importaron 2 funcionarios.');
}

test('visits and agendas are registered, searched and downloaded as the page shows them', async ({ page, request }, testInfo) => {
  const withJavaScript = jsEnabled(testInfo);
  const tag = randomBytes(3).toString('hex');
  await editor(page, tag);
  await page.getByRole('link', { name: 'Registros de integridad: funcionarios' }).click();
  await importOfficials(page, tag, testInfo.outputPath(`funcionarios-${tag}.csv`));
  if (withJavaScript) await expectNoAxeViolations(page);

  // The door: a wrong document is refused with the summary, and nothing typed is lost.
  await page.goto('/oficina/visitas');
  const visitor = `Jorge Visitante ${tag}`;
  await page.getByLabel('Visitante', { exact: true }).fill(visitor);
  await page.getByLabel('Documento de identidad').fill('DNI 123');
  await page.getByLabel('Entidad que representa').fill(`Constructora ${tag} SAC`);
  await page.getByLabel('RUC de la entidad').fill('20512345671');
  await page.locator('#official').selectOption(`ana-${tag}`);
  await page.getByLabel('Lugar').first().fill('Despacho de Gerencia');
  await page.getByLabel('Hora de ingreso').fill('08:00');
  await page.getByLabel('Motivo').fill(`Pistas ${tag}`);
  await page.getByRole('button', { name: 'Registrar la visita' }).click();
  await expect(page.locator('#visits-errors')).toContainText('Escriba el documento como DNI');
  await expect(page.getByLabel('Visitante', { exact: true })).toHaveValue(visitor);
  await expect(page.getByLabel('RUC de la entidad')).toHaveValue('20512345671');
  if (withJavaScript) await expectNoAxeViolations(page);
  await page.getByLabel('Documento de identidad').fill('DNI 41234567');
  await page.getByRole('button', { name: 'Registrar la visita' }).click();
  await expect(page.locator('#action-done')).toHaveText(`Visita de ${visitor} registrada.`);

  // Its exit, from the list of today's open visits.
  await page.getByLabel(`Hora de salida de ${visitor}`).fill('23:58');
  // The exit button of this visitor's own line: other tests' visitors of today are on the list too.
  await page
    .locator('form', { has: page.getByLabel(`Hora de salida de ${visitor}`) })
    .getByRole('button', { name: 'Registrar salida' })
    .click();
  await expect(page.locator('#action-done')).toHaveText(`Salida de ${visitor} registrada.`);

  // An agenda act of interest management, and a visits file.
  await page.locator('#agenda_official').selectOption(`ana-${tag}`);
  await page.getByLabel('Fecha', { exact: true }).fill('2026-11-16');
  await page.getByLabel('Hora', { exact: true }).fill('10:00');
  await page.locator('#agenda_place').fill('Despacho de Gerencia');
  await page.getByLabel('Asunto').fill(`Pistas de Santa Cruz ${tag}`);
  await page.getByLabel('Participantes').fill(visitor);
  await page.getByLabel('A quién representan').fill(`Constructora ${tag} SAC`);
  await page.getByLabel('Es un acto de gestión de intereses').check();
  await page.getByRole('button', { name: 'Registrar el acto' }).click();
  await expect(page.locator('#action-done')).toHaveText('Acto de la agenda registrado.');
  const file = testInfo.outputPath(`visitas-${tag}.csv`);
  writeFileSync(
    file,
    'fecha_registro,fecha_visita,visitante,documento,entidad,ruc_entidad,funcionario,cargo,lugar,hora_ingreso,hora_salida,motivo,observacion\n' +
      `2026-11-18,2026-11-17,Carmen ${tag},DNI 09876543,Vecinos ${tag},,luis-${tag},,Sala 2,15:30,16:00,Presupuesto ${tag},\n`,
  );
  await page.getByLabel('Archivo de visitas (CSV)').setInputFiles(file);
  await page.getByRole('button', { name: 'Importar' }).first().click();
  await expect(page.locator('#action-done')).toHaveText('Se importaron 1 visitas.');
  await page.getByRole('button', { name: 'Salir' }).click();

  // The public: by the run's word, and by official; the download holds exactly the table's rows.
  await page.goto('/integridad');
  if (withJavaScript) await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Registro de visitas', exact: true }).click();
  await page.getByLabel('Buscar', { exact: true }).fill(tag.toUpperCase());
  await page.getByRole('button', { name: 'Buscar' }).click();
  await expect(page.locator('#found')).toHaveText('Se encontraron 2 registros.');
  const shown = await tableRows(page, '#visits-table');
  expect(shown.map((row) => row[1]).sort()).toEqual([`Carmen ${tag}`, visitor].sort());
  const carmen = shown.find((row) => row[1] === `Carmen ${tag}`)!;
  expect(carmen[9]).toBe('sí');
  const jorge = shown.find((row) => row[1] === visitor)!;
  expect([jorge[2], jorge[6], jorge[7], jorge[9]]).toEqual(['DNI 41234567', '08:00', '23:58', 'no']);
  expect(await downloadedRows(page, request, PAGE_VISIT_COLUMNS)).toEqual(shown);
  const full = await downloadedRows(page, request);
  expect(full.find((cells) => cells[2] === visitor)!.slice(4, 6)).toEqual([`Constructora ${tag} SAC`, '20512345671']);
  if (withJavaScript) await expectNoAxeViolations(page);
  await page.getByLabel('Funcionario', { exact: true }).selectOption(`luis-${tag}`);
  await page.getByRole('button', { name: 'Buscar' }).click();
  await expect(page.locator('#visits-table tbody tr')).toHaveCount(1);
  expect(await downloadedRows(page, request, PAGE_VISIT_COLUMNS)).toEqual(await tableRows(page, '#visits-table'));

  await page.goto(`/integridad/agendas?funcionario=ana-${tag}`);
  const agenda = await tableRows(page, '#agenda-table');
  expect(agenda).toEqual([
    [`Ana ${tag}`, '2026-11-16', '10:00', 'Despacho de Gerencia', `Pistas de Santa Cruz ${tag}`, visitor, `Constructora ${tag} SAC`, 'sí'],
  ]);
  expect(await downloadedRows(page, request)).toEqual(agenda);
  if (withJavaScript) await expectNoAxeViolations(page);
  await page.goto(`/en/integridad/visitas?q=${tag}`);
  await expect(page.locator('#found')).toHaveText('2 entries found.');
});

test('an affidavit is published without the relatives beyond the first degree', async ({ page, request }, testInfo) => {
  const withJavaScript = jsEnabled(testInfo);
  const tag = randomBytes(3).toString('hex');
  await editor(page, tag);
  await importOfficials(page, tag, testInfo.outputPath(`funcionarios-${tag}.csv`));
  await page.goto('/oficina/declaraciones');
  await page.locator('#official').selectOption(`ana-${tag}`);
  await page.getByLabel('Inicio del cargo').check();
  await page.getByLabel('Fecha de presentación').fill('2023-01-15');
  await page.getByLabel('Empresas y participaciones').fill(`Inmobiliaria ${tag} SAC; 20544332211; 150`);
  const brother = `Andrés Hermano ${tag}`;
  await page
    .getByLabel('Parientes')
    .fill(`Jorge Cónyuge ${tag}; cónyuge; Municipalidad de Lima; \n${brother}; hermano; Constructora ${tag} SAC; 20512345671`);
  await page.getByRole('button', { name: 'Registrar la declaración' }).click();
  await expect(page.locator('#affidavit-errors')).toContainText('Empresas y participaciones (Línea 1)');
  await expect(page.getByLabel('Parientes')).toHaveValue(new RegExp(brother));
  if (withJavaScript) await expectNoAxeViolations(page);
  await page.getByLabel('Empresas y participaciones').fill(`Inmobiliaria ${tag} SAC; 20544332211; 15`);
  await page.getByRole('button', { name: 'Registrar la declaración' }).click();
  await expect(page.locator('#action-done')).toContainText(`Declaración de Ana ${tag} registrada como versión 1.`);
  await page.getByRole('link', { name: 'Ver la declaración publicada' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Declaración de intereses de Ana ${tag} (versión 1)`);
  await expect(page.locator('#section-parientes')).toContainText(`Jorge Cónyuge ${tag}`);
  await expect(page.locator('#section-empresas')).toContainText('15 %');
  await expect(page.locator('body')).not.toContainText(brother);
  if (withJavaScript) await expectNoAxeViolations(page);
  const html = await (await request.get(page.url())).text();
  expect(html).not.toContain(brother);

  await page.goto(`/integridad/declaraciones?q=${encodeURIComponent(`gerencia de obras ${tag}`)}`);
  await expect(page.locator('#affidavits-table tbody tr')).toHaveCount(1);
  if (withJavaScript) await expectNoAxeViolations(page);
  for (const file of ['/datos/integridad/declaraciones.csv', '/datos/integridad/declaraciones.json']) {
    const body = await (await request.get(file)).text();
    expect(body).toContain(`Jorge Cónyuge ${tag}`);
    expect(body).not.toContain(brother);
  }
});
