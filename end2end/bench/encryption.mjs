// Benchmark, not a test: encryption throughput of the portal's WASM age implementation against the npm
// `age-encryption` package (pure JavaScript, @noble ciphers), in the same headless Chromium page and run.
// Prints MiB/s for each and their ratio. Usage: PORTAL_BASE_URL=http://127.0.0.1:3000 node bench/encryption.mjs
import { build } from 'esbuild';
import { chromium } from '@playwright/test';

const baseURL = process.env.PORTAL_BASE_URL ?? 'http://127.0.0.1:3000';
const mebibytes = Number(process.env.BENCH_MIB ?? 64);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

// The npm package is bundled into one module and served from the portal's origin by the test harness,
// so both implementations run under the same page, origin and JIT.
const bundle = await build({
  entryPoints: ['age-encryption'],
  bundle: true,
  format: 'esm',
  write: false,
  minify: true,
  platform: 'browser',
});
const npmModule = bundle.outputFiles[0].text;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
// The benchmark injects modules the page itself would never load; the CSP would rightly refuse them.
const context = await browser.newContext({ bypassCSP: true });
const page = await context.newPage();
await page.route('**/__bench/age-encryption.js', (route) =>
  route.fulfill({ body: npmModule, contentType: 'text/javascript' }),
);
// The report form's page: its bundle is the one that encrypts (and exports age_encrypt).
await page.goto(new URL('/denuncia/formulario', baseURL).href);
await page.waitForFunction(() => document.documentElement.dataset.islands === 'hydrated', null, { timeout: 30_000 });

const result = await page.evaluate(
  async ({ mebibytes, rounds }) => {
    // The same module instance the site script loaded and initialised for the page.
    const portal = await import(document.querySelector('[data-bundle-js]').dataset.bundleJs);
    const age = await import('/__bench/age-encryption.js');

    const identity = await age.generateIdentity();
    const recipient = await age.identityToRecipient(identity);
    const data = new Uint8Array(mebibytes * 1024 * 1024);
    for (let offset = 0; offset < data.length; offset += 65536) {
      crypto.getRandomValues(data.subarray(offset, offset + 65536));
    }

    const time = async (encrypt) => {
      const seconds = [];
      let output;
      for (let round = 0; round < rounds; round++) {
        const start = performance.now();
        output = await encrypt();
        seconds.push((performance.now() - start) / 1000);
      }
      seconds.sort((a, b) => a - b);
      return { median: seconds[Math.floor(seconds.length / 2)], output };
    };
    const ours = await time(() => portal.age_encrypt([recipient], data));
    const npm = await time(async () => {
      const encrypter = new age.Encrypter();
      encrypter.addRecipient(recipient);
      return encrypter.encrypt(data);
    });

    // Each implementation must open the other's file, or the comparison means nothing.
    const decrypter = new age.Decrypter();
    decrypter.addIdentity(identity);
    const opened = await decrypter.decrypt(ours.output);
    let same = opened.length === data.length;
    for (let i = 0; same && i < data.length; i += 4093) same = opened[i] === data[i];
    return {
      ourSeconds: ours.median,
      npmSeconds: npm.median,
      ourBytes: ours.output.length,
      npmBytes: npm.output.length,
      crossChecked: same,
      userAgent: navigator.userAgent,
    };
  },
  { mebibytes, rounds },
);
await browser.close();

const ourRate = mebibytes / result.ourSeconds;
const npmRate = mebibytes / result.npmSeconds;
console.log(`browser: ${result.userAgent}`);
console.log(`plaintext: ${mebibytes} MiB, median of ${rounds} rounds, one X25519 recipient`);
console.log(`portal WASM (envelope crate): ${result.ourSeconds.toFixed(3)} s  ${ourRate.toFixed(1)} MiB/s`);
console.log(`npm age-encryption:           ${result.npmSeconds.toFixed(3)} s  ${npmRate.toFixed(1)} MiB/s`);
console.log(`ratio (portal / npm):         ${(ourRate / npmRate).toFixed(2)}x`);
console.log(`npm age-encryption opened the portal's ciphertext: ${result.crossChecked}`);
if (!result.crossChecked) process.exit(1);
