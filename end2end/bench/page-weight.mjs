// What each page costs a reader in code: loads every page cold (a new browser context, empty cache) in
// Debian's Chromium, waits until the network is idle (hydration included), and lists the JavaScript and
// WebAssembly it fetched. Each file is then fetched again asking for brotli, as a browser over HTTPS
// does (Chromium offers brotli on HTTPS only, and the tests run on plain HTTP), and its compressed size
// on the wire is what the table adds up.
// Prints figures; asserts nothing (run by scripts/test after the e2e suite; budgets are in the README).
import { chromium } from '@playwright/test';
import http from 'node:http';

const base = process.env.PORTAL_BASE_URL;
if (!base) throw new Error('set PORTAL_BASE_URL to a running portal');

const PAGES = [
  '/',
  '/privacidad',
  '/denuncia',
  '/denuncia/formulario',
  '/denuncia/seguimiento',
  '/oficina',
  '/transparencia',
  '/transparencia/modulos',
  '/transparencia/denuncias',
  '/transparencia/datos',
  '/tramites',
  '/tramites/mesa-de-partes',
  '/tramites/expediente',
  '/tributos',
  '/tramites/partidas',
  '/tramites/partidas/solicitud',
  '/verificar',
  '/participacion',
  '/concejo',
  '/integridad/visitas',
  '/integridad/declaraciones',
  '/en',
  '/en/denuncia/formulario',
  '/en/denuncia/seguimiento',
  '/en/transparencia',
  '/no-existe',
];

/** The bytes a server sends for `url` to a client that accepts brotli (what is on the wire). */
function brotliBytes(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': 'br' } }, (response) => {
        let bytes = 0;
        response.on('data', (chunk) => (bytes += chunk.length));
        response.on('end', () => resolve({ bytes, encoding: response.headers['content-encoding'] ?? 'identity' }));
      })
      .on('error', reject);
  });
}

// The voting page of the first open poll (the demo has one; its id is random).
const polls = await (await fetch(new URL('/participacion', base))).text();
const vote = polls.match(/href="(\/participacion\/votar\?consulta=[a-z0-9]+)"/);
if (vote) PAGES.splice(PAGES.indexOf('/participacion') + 1, 0, vote[1]);
// The bid page of a request still taking bids (the demo's, SC-DEMO-001; a closed one has no island).
const tenders = await (await fetch(new URL('/integridad/cotizaciones', base))).text();
if (tenders.includes('numero=SC-DEMO-001')) {
  PAGES.splice(PAGES.indexOf('/integridad/visitas'), 0, '/integridad/cotizacion/ofertar?numero=SC-DEMO-001');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const sizes = new Map();
const rows = [];
for (const path of PAGES) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const code = new Set();
  page.on('requestfinished', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('.js') || url.pathname.endsWith('.wasm')) code.add(url.href);
  });
  await page.goto(new URL(path, base).href, { waitUntil: 'networkidle' });
  // An island hydrates on the browser's idle callback; give it a moment, then let the network settle.
  await page.waitForTimeout(300);
  await page.waitForLoadState('networkidle');
  let js = 0;
  let wasm = 0;
  for (const url of code) {
    if (!sizes.has(url)) sizes.set(url, await brotliBytes(url));
    const { bytes } = sizes.get(url);
    if (url.endsWith('.wasm')) wasm += bytes;
    else js += bytes;
  }
  const files = [...code].map((url) => new URL(url).pathname.split('/').pop()).sort();
  rows.push({ path, js, wasm, files });
  await context.close();
}
await browser.close();

const unencoded = [...sizes].filter(([, { encoding }]) => encoding !== 'br').map(([url]) => url);
const pad = (text, width) => String(text).padEnd(width);
const num = (value, width) => String(value).padStart(width);
console.log(`${pad('page', 28)}${num('JS (br)', 10)}${num('WASM (br)', 12)}${num('total', 10)}  files`);
for (const { path, js, wasm, files } of rows) {
  console.log(`${pad(path, 28)}${num(js, 10)}${num(wasm, 12)}${num(js + wasm, 10)}  ${files.join(' ') || '-'}`);
}
if (unencoded.length > 0) console.log(`not sent brotli-compressed: ${unencoded.join(' ')}`);
