import { defineConfig } from '@playwright/test';

// scripts/test starts the release build and passes its address; by default, the README's run command.
const baseURL = process.env.PORTAL_BASE_URL ?? 'http://127.0.0.1:3000';

// Debian's Chromium: Playwright cannot download its own browsers on these machines. The flags keep it
// from calling out to Google's services, which the closed network refuses.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

const phone = { width: 360, height: 740 };

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  timeout: 30_000,
  use: { baseURL, launchOptions, locale: 'es-PE', trace: 'off' },
  projects: [
    // A cheap phone: the smallest screen the portal supports.
    { name: 'phone', use: { viewport: phone, hasTouch: true } },
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    // Tor Browser at "Safer" and anyone else without JavaScript: the pages must still work.
    { name: 'no-javascript', use: { viewport: phone, javaScriptEnabled: false } },
  ],
});
