// Staff accounts in end-to-end tests: made as a deployer makes them (the server's command line), signed
// in through the sign-in page with a TOTP code computed as an authenticator app does.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { DATA_DIR } from './report-support';

export const TAGS = ['wcag2a', 'wcag2aa', 'wcag2aaa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** RFC 6238 (SHA-1, 6 digits, 30 s) from a base32 secret, as an authenticator app computes it. */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** A staff account made as a deployer makes one, with the server's command line; its TOTP secret. */
export function addStaff(username: string, password: string, role: string | string[]): string {
  // The binary and the configuration the e2e server runs with (scripts/test starts it from the repository).
  const repository = join(process.cwd(), '..');
  const server = process.env.SERVER_BIN ?? join(repository, 'target', 'debug', 'server');
  const roles = (Array.isArray(role) ? role : [role]).flatMap((r) => ['--role', r]);
  const added = execFileSync(server, ['--demo', 'staff', 'add', username, ...roles], {
    cwd: repository,
    encoding: 'utf8',
    env: {
      ...process.env,
      PORTAL_OFFICER_PASSWORD: password,
      PORTAL_SITE__DATA_DIR: DATA_DIR,
      PORTAL_DATABASE__URL: `sqlite://${join(DATA_DIR, 'portal.db')}`,
    },
  });
  return added.match(/secret: ([A-Z2-7]+)/)![1];
}

export async function signIn(page: Page, username: string, password: string, secret: string) {
  await page.goto('/oficina');
  await page.getByLabel('Usuario').fill(username);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByLabel('Código de verificación').fill(totp(secret));
  await page.getByRole('button', { name: 'Ingresar' }).click();
}

export async function expectNoAxeViolations(page: Page) {
  const axe = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
