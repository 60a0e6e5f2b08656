// How much memory the browser path needs for a large attachment: submits a report with a 10 MiB and
// then a 99 MiB attachment (random bytes, incompressible like a video) in Debian's Chromium and samples
// the resident memory of that Chromium's whole process tree every 100 ms. Flat means the peak growth is
// about the same for both sizes: the page holds one encrypted slice at a time, not the file.
// Prints figures; asserts nothing (run by scripts/test after the e2e suite).
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.env.PORTAL_BASE_URL;
if (!base) throw new Error('set PORTAL_BASE_URL to a running portal');
const scratch = mkdtempSync(join(tmpdir(), 'portal-memory-'));

function randomFile(mebibytes) {
  const path = join(scratch, `video-${mebibytes}.bin`);
  const fd = openSync(path, 'w');
  for (let i = 0; i < mebibytes; i++) writeSync(fd, randomBytes(1024 * 1024));
  closeSync(fd);
  return path;
}

/** Resident memory (KiB) of the process tree rooted at `root`. */
function treeRss(root) {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of table) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return table.filter(([pid]) => tree.has(pid)).reduce((sum, [, , rss]) => sum + rss, 0);
}

async function measure(mebibytes) {
  const file = randomFile(mebibytes);
  const tag = `--portal-memory-bench=${process.pid}-${mebibytes}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', tag] });
  try {
    const root = Number(execFileSync('pgrep', ['-f', '-o', '--', tag], { encoding: 'utf8' }).trim());
    const page = await browser.newPage();
    await page.goto(`${base}/denuncia/formulario`);
    await page.waitForFunction(() => document.documentElement.dataset.islands === 'hydrated');
    await page.getByLabel('¿Qué pasó?').fill('Prueba de memoria del portal');
    await page.getByLabel('Tipo de hecho').selectOption('otro');
    await page.getByLabel('Archivos (opcional)').setInputFiles(file);
    await page.waitForTimeout(1000);
    const baseline = treeRss(root);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRss(root))), 100);
    const started = Date.now();
    await page.getByRole('button', { name: 'Enviar denuncia' }).click();
    await page.getByRole('heading', { name: 'Denuncia recibida', level: 1 }).waitFor({ timeout: 300_000 });
    clearInterval(sampler);
    const mib = (kib) => (kib / 1024).toFixed(0);
    console.log(
      `${String(mebibytes).padStart(3)} MiB attachment: sent in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `Chromium RSS baseline ${mib(baseline)} MiB, peak ${mib(peak)} MiB, growth ${mib(peak - baseline)} MiB`,
    );
  } finally {
    await browser.close();
    rmSync(file);
  }
}

try {
  for (const size of [10, 99]) await measure(size);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
