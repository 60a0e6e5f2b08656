// Taxes and payments end to end, against the payment sandbox running as its own process: the
// statement behind the taxpayer code and check value, a card payment by redirect and return, the
// receipt, two tabs paying the same debts (one applied, the other refunded), duplicate and late
// notifications, a cash code paid at an agent and settled without its notification, and one that
// expires. The confirmation always comes from the provider, never from the browser's return.
import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { E2E_DIR } from './report-support';
import { jsEnabled } from './pages';
import { addStaff, expectNoAxeViolations, signIn } from './staff-support';

const SANDBOX = process.env.SANDBOX_URL ?? '';
const SANDBOX_KEY = process.env.SANDBOX_API_KEY ?? 'sandbox-api-key';
test.skip(!E2E_DIR || !SANDBOX, 'needs PORTAL_E2E_DIR and SANDBOX_URL: run through scripts/test, which starts both');
// The sandbox's faults are shared by every charge: the tests that set them run in one project only,
// one after another (this file is serial), and none of them can change what the other projects' tests
// check (a card payment is settled by the return page's status query whatever happens to its
// notifications; the short expiry applies to cash codes only).
test.describe.configure({ mode: 'serial' });

let withJavaScript = true;
test.beforeEach(({}, testInfo) => {
  withJavaScript = jsEnabled(testInfo);
});
const noAxeViolations = async (page: Page) => withJavaScript && (await expectNoAxeViolations(page));

async function faults(page: Page, settings: Record<string, unknown>) {
  const answer = await page.request.post(`${SANDBOX}/control`, { data: settings, headers: { authorization: `Bearer ${SANDBOX_KEY}` } });
  expect(answer.ok()).toBe(true);
}

/** A taxpayer of its own, imported by a treasury account through the staff page; its code and check value. */
async function newTaxpayer(page: Page, testInfo: import('@playwright/test').TestInfo): Promise<{ code: string; check: string }> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const code = `T${tag}`;
  const check = `K${tag.slice(0, 3)}`;
  const username = `tesoreria-${randomBytes(4).toString('hex')}`;
  const password = 'una clave de tesorería bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'treasury'));
  const file = testInfo.outputPath(`deudas-${tag}.csv`);
  writeFileSync(
    file,
    'contribuyente,valor_de_control,nombre,predio,concepto,anio,periodo,vencimiento,insoluto,reajuste,descuento\n' +
      `${code},${check},Vecina ${tag},Av. Larco 400,predial,2026,1,2026-02-27,250.00,0,0\n` +
      `${code},${check},Vecina ${tag},Av. Larco 400,predial,2026,2,2026-05-29,250.00,1.25,0\n` +
      `${code},${check},Vecina ${tag},Av. Larco 400,parques,2026,1,2026-02-27,30.50,0,1.00\n`,
  );
  await page.goto('/oficina/tributos');
  await page.getByLabel('Archivo CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Importar' }).click();
  await expect(page.locator('#import-done')).toContainText('Se agregaron 3 deudas');
  await page.getByRole('button', { name: 'Salir' }).click();
  return { code, check };
}

async function openStatement(page: Page, code: string, check: string) {
  await page.goto('/tributos');
  await page.getByLabel('Código de contribuyente').fill(code);
  await page.getByLabel('Valor de control').fill(check);
  await page.getByRole('button', { name: 'Ver mi estado de cuenta' }).click();
}

async function chooseAndPay(page: Page, rows: number[], method: 'card' | 'cash') {
  const boxes = page.locator('#statement tbody input[type="checkbox"]');
  for (const row of rows) await boxes.nth(row).check();
  await page.locator(method === 'card' ? '#method-card' : '#method-cash').check();
  await page.getByRole('button', { name: 'Pagar lo elegido' }).click();
}

async function payAtCheckout(page: Page) {
  await expect(page).toHaveURL(new RegExp(`^${SANDBOX}/pagar/`));
  await page.getByRole('button', { name: /^Pagar S\// }).click();
  await expect(page).toHaveURL(/\/tributos\/pago\?id=/);
}

test('a wrong check value and an unknown code get the same answer; the statement shows interest to the day', async ({ page }, testInfo) => {
  const { code, check } = await newTaxpayer(page, testInfo);
  await openStatement(page, code, 'ZZZ');
  const wrong = await page.locator('#statement-errors').textContent();
  await openStatement(page, `${code}9`, check);
  expect(await page.locator('#statement-errors').textContent()).toBe(wrong);
  await openStatement(page, code.toLowerCase(), check.toLowerCase());
  await expect(page.locator('#statement')).toContainText('Impuesto predial 2026 · cuota 1');
  await expect(page.locator('#statement-day')).toContainText('0,90 % mensual');
  await noAxeViolations(page);
});

test('card: checkout by redirect, confirmation from the provider, a receipt with its code', async ({ page }, testInfo) => {
  const { code, check } = await newTaxpayer(page, testInfo);
  await openStatement(page, code, check);
  await chooseAndPay(page, [0, 1], 'card');
  await payAtCheckout(page);
  await expect(page.locator('#payment-status')).toHaveAttribute('data-status', 'paid');
  await noAxeViolations(page);
  await page.getByRole('link', { name: 'Ver e imprimir el recibo' }).click();
  await expect(page.locator('#receipt-code')).toHaveText(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  await expect(page.locator('#payment-receipt')).toContainText('Impuesto predial');
  await noAxeViolations(page);
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Descargar el recibo en PDF' }).click()]);
  expect(pdf.suggestedFilename()).toMatch(/^recibo-[A-Z2-9]{10}\.pdf$/);
  expect(readFileSync(await pdf.path(), 'latin1')).toMatch(/^%PDF-1\.\d[\s\S]*%%EOF\s*$/);
  await openStatement(page, code, check);
  await expect(page.locator('#statement tbody tr').nth(0)).toContainText('Pagado');
});

test('two tabs pay the same debts: one payment applies, the second charge is refunded and shown to staff', async ({ browser, page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'the sandbox\'s faults are shared: one project changes them');
  const { code, check } = await newTaxpayer(page, testInfo);
  await faults(page, { duplicate: 2 });
  const other = await browser.newPage({ baseURL: testInfo.project.use.baseURL });
  await openStatement(page, code, check);
  await openStatement(other, code, check);
  await chooseAndPay(page, [0], 'card');
  await chooseAndPay(other, [0], 'card');
  await payAtCheckout(page);
  await payAtCheckout(other);
  const statuses = [await page.locator('#payment-status').getAttribute('data-status'), await other.locator('#payment-status').getAttribute('data-status')];
  expect(statuses.filter((s) => s === 'paid')).toHaveLength(1);
  // The duplicate is refunded through the provider (by its notification or by reconciliation).
  const loser = statuses[0] === 'paid' ? other : page;
  await expect(async () => {
    await loser.reload();
    await expect(loser.locator('#payment-status')).toHaveAttribute('data-status', /duplicate|refunded/);
    await expect(loser.locator('#payment-status')).toContainText('ya estaban pagadas');
  }).toPass({ timeout: 20_000 });
  await faults(page, {});
  const username = `tesoreria-${randomBytes(4).toString('hex')}`;
  const password = 'una clave de tesorería bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'treasury'));
  await page.goto('/oficina/tributos');
  const rows = page.locator('#payments tbody tr', { hasText: code });
  await expect(rows).toHaveCount(2);
  await expect(async () => {
    await page.reload();
    await expect(page.locator('#payments tbody tr[data-status="refunded"]', { hasText: code })).toHaveCount(1);
  }).toPass({ timeout: 20_000 });
  await expect(page.locator('#payments tbody tr[data-status="paid"]', { hasText: code })).toHaveCount(1);
  await noAxeViolations(page);
  await other.close();
});

test('cash: a code paid at an agent whose notification never comes is settled by reconciliation; an expired code cannot be paid', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'the sandbox\'s faults are shared: one project changes them');
  test.setTimeout(60_000);
  const { code, check } = await newTaxpayer(page, testInfo);
  await faults(page, { drop: true });
  await openStatement(page, code, check);
  await chooseAndPay(page, [2], 'cash');
  const cip = (await page.locator('#cip').textContent())!.trim();
  expect(cip).toMatch(/^\d{8}$/);
  await noAxeViolations(page);
  const paymentUrl = page.url();
  const agent = await page.context().newPage();
  await agent.goto(`${SANDBOX}/agente`);
  await agent.getByLabel('Código CIP').fill(cip);
  await agent.getByRole('button', { name: 'Pagar' }).click();
  await expect(agent.locator('#outcome')).toContainText('Pagado');
  // No notification was sent: the staff page (which asks nothing of the provider) shows the payment
  // paid once the reconciliation job has asked about it.
  const username = `tesoreria-${randomBytes(4).toString('hex')}`;
  const password = 'una clave de tesorería bastante larga';
  const staff = await page.context().browser()!.newPage({ baseURL: testInfo.project.use.baseURL });
  await signIn(staff, username, password, addStaff(username, password, 'treasury'));
  await expect(async () => {
    await staff.goto('/oficina/tributos');
    await expect(staff.locator('#payments tbody tr[data-status="paid"]', { hasText: code })).toHaveCount(1);
  }).toPass({ timeout: 30_000 });
  await page.goto(paymentUrl);
  await expect(page.locator('#payment-status')).toHaveAttribute('data-status', 'paid');

  // A code that expires: the sandbox makes it last 2 seconds, and the agent refuses it after.
  await faults(page, { expire_after_seconds: 2 });
  await openStatement(page, code, check);
  await chooseAndPay(page, [0], 'cash');
  const late = (await page.locator('#cip').textContent())!.trim();
  await page.waitForTimeout(3_500);
  await agent.goto(`${SANDBOX}/agente`);
  await agent.getByLabel('Código CIP').fill(late);
  await agent.getByRole('button', { name: 'Pagar' }).click();
  await expect(agent.locator('#outcome')).toContainText('venció');
  await expect(async () => {
    await page.reload();
    await expect(page.locator('#payment-status')).toHaveAttribute('data-status', 'expired');
  }).toPass({ timeout: 15_000 });
  await faults(page, {});
  await staff.close();
  await agent.close();
});

test('a late notification, and a stale one after it, change nothing once a payment is settled', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'the sandbox\'s faults are shared: one project changes them');
  test.setTimeout(60_000);
  const { code, check } = await newTaxpayer(page, testInfo);
  // Notifications come 8 seconds late, each followed by the charge's previous status (pending).
  await faults(page, { delay_ms: 8_000, replay_stale: true });
  await openStatement(page, code, check);
  await chooseAndPay(page, [0], 'card');
  await payAtCheckout(page);
  // Settled by the return page's status query, before any notification came.
  await expect(page.locator('#payment-status')).toHaveAttribute('data-status', 'paid');
  const paymentUrl = page.url();
  await page.waitForTimeout(10_000);
  await faults(page, {});
  // The late "paid" and the stale "pending" arrived meanwhile: still one payment, paid, nothing refunded.
  await page.goto(paymentUrl);
  await expect(page.locator('#payment-status')).toHaveAttribute('data-status', 'paid');
  const username = `tesoreria-${randomBytes(4).toString('hex')}`;
  const password = 'una clave de tesorería bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'treasury'));
  await page.goto('/oficina/tributos');
  await expect(page.locator('#payments tbody tr', { hasText: code })).toHaveCount(1);
  await expect(page.locator('#payments tbody tr[data-status="paid"]', { hasText: code })).toHaveCount(1);
});

test('twenty parallel payments of the same debt over HTTP: one applies, nineteen are refunded', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one project is enough for a load of the sandbox');
  test.setTimeout(90_000);
  const { code, check } = await newTaxpayer(page, testInfo);
  await openStatement(page, code, check);
  const item = await page.locator('#statement tbody input[type="checkbox"]').first().getAttribute('value');
  const form = { taxpayer: code, check, item: item!, method: 'card' };
  // Twenty payments started at once (twenty tabs), each to its own checkout.
  const started = await Promise.all(
    Array.from({ length: 20 }, () => page.request.post('/tributos/pagar', { form, maxRedirects: 0 })),
  );
  const checkouts = started.map((answer) => {
    expect(answer.status()).toBe(303);
    return answer.headers()['location'];
  });
  expect(new Set(checkouts).size).toBe(20);
  // All twenty paid at the provider at once.
  const paid = await Promise.all(checkouts.map((url) => page.request.post(url, { form: { action: 'pay' }, maxRedirects: 0 })));
  for (const answer of paid) expect(answer.status()).toBe(303);
  const username = `tesoreria-${randomBytes(4).toString('hex')}`;
  const password = 'una clave de tesorería bastante larga';
  await signIn(page, username, password, addStaff(username, password, 'treasury'));
  await expect(async () => {
    await page.goto('/oficina/tributos');
    await expect(page.locator('#payments tbody tr', { hasText: code })).toHaveCount(20);
    await expect(page.locator('#payments tbody tr[data-status="paid"]', { hasText: code })).toHaveCount(1);
    await expect(page.locator('#payments tbody tr[data-status="refunded"]', { hasText: code })).toHaveCount(19);
  }).toPass({ timeout: 60_000 });
  await openStatement(page, code, check);
  await expect(page.locator('#statement tbody tr').nth(0)).toContainText('Pagado');
});
