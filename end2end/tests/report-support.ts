// Support for the report tests: a recording proxy that sees every byte the page sends, and access to
// what the server stored (its data directory, its log), the reference `age` CLI and the sqlite3 CLI.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** scripts/test runs the server with its data and log under this directory. */
export const E2E_DIR = process.env.PORTAL_E2E_DIR ?? '';
export const DATA_DIR = E2E_DIR && join(E2E_DIR, 'data');
export const SERVER_LOG = E2E_DIR && join(E2E_DIR, 'server.log');
export const IDENTITY_FILE = DATA_DIR && join(DATA_DIR, 'demo-office-identity.txt');

export type Recorded = { method: string; url: string; body: Buffer; status?: number; cut?: boolean };

/**
 * An HTTP proxy in front of the portal that records every request (URL and complete body) before
 * forwarding it, and the status of its answer. The page is loaded through it, so its origin is the
 * proxy's: nothing can bypass it. The first request for which `cut` says yes has its connection
 * dropped half-way: the portal gets half of the body, the browser no answer.
 */
export async function recordingProxy(target: string, cut?: (request: Recorded) => boolean) {
  const upstream = new URL(target);
  const recorded: Recorded[] = [];
  let cutDone = false;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: Recorded = { method: request.method ?? '', url: request.url ?? '', body };
      recorded.push(entry);
      const headers = { ...request.headers, host: upstream.host };
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers },
        (answer) => {
          entry.status = answer.statusCode;
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forward.on('error', () => response.destroy());
      if (!cutDone && cut?.(entry)) {
        cutDone = true;
        entry.cut = true;
        forward.write(body.subarray(0, body.length >> 1));
        setTimeout(() => {
          forward.destroy();
          response.destroy();
        }, 500);
        return;
      }
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    recorded,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Unique, searchable plaintext for one test run. */
export function secrets(tag: string) {
  const id = `${tag}${randomInt(1e8, 1e9)}`;
  return {
    description: `Descripcion-${id}: el jefe de licencias pidio S/ 500 para aprobar el expediente.`,
    involved: `Oficina-${id}`,
    place: `Lugar-${id}`,
    date: `Fecha-${id}`,
    names: `Rosa-${id}`,
    surnames: `Quispe-${id}`,
    phone: `+51 9${randomInt(10_000_000, 99_999_999)}`,
    email: `rosa.${id}@ejemplo.pe`,
  };
}

/** Files to attach: a small text file and a random binary of several MB. */
export function attachments(dir: string, tag: string, bigMiB = 6) {
  const small = join(dir, `acta-${tag}.txt`);
  writeFileSync(small, `Acta-${tag}: recibo firmado por el funcionario.\n`.repeat(20));
  const big = join(dir, `video-${tag}.bin`);
  writeFileSync(big, randomBytes(bigMiB * 1024 * 1024));
  return [small, big];
}

/** Byte strings that must never appear outside the browser: text fields and slices of each file. */
export function fragments(texts: string[], files: string[]): Buffer[] {
  const found = texts.filter((t) => t.length > 0).map((t) => Buffer.from(t));
  for (const file of files) {
    found.push(Buffer.from(file.split('/').pop() ?? ''));
    const bytes = readFileSync(file);
    for (const offset of [0, 4096, Math.floor(bytes.length / 2), bytes.length - 48]) {
      if (offset >= 0 && offset + 32 <= bytes.length) found.push(bytes.subarray(offset, offset + 32));
    }
  }
  return found;
}

export function leaks(haystack: Buffer, needles: Buffer[]): string[] {
  return needles.filter((n) => haystack.includes(n)).map((n) => JSON.stringify(n.toString('latin1').slice(0, 40)));
}

/** Every byte the server has written: database (and its WAL), objects, everything in the data dir. */
export function storedBytes(): Buffer {
  const parts: Buffer[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.startsWith('demo-office-identity')) parts.push(readFileSync(path));
    }
  };
  walk(DATA_DIR);
  return Buffer.concat(parts);
}

export type StoredReport = {
  id: string;
  encryptedIn: string;
  keyIds: string[];
  report: any;
  attachments: { path: string; bytes: Buffer }[];
};

function sql(query: string): string {
  return execFileSync('sqlite3', ['-readonly', join(DATA_DIR, 'portal.db'), query], { encoding: 'utf8' }).trim();
}

function ageDecrypt(path: string, scratch: string): Buffer {
  const output = join(scratch, `${path.split('/').pop()}.decrypted`);
  execFileSync('age', ['--decrypt', '--identity', IDENTITY_FILE, '--output', output, path]);
  return readFileSync(output);
}

/**
 * Opens every stored report with the reference age CLI and the demo office identity, and returns
 * the one in which any text field contains `marker`.
 */
export function findStoredReport(marker: string, scratch: string): StoredReport | undefined {
  const ids = sql('SELECT id FROM reports').split('\n').filter(Boolean);
  for (const id of ids) {
    const hex = sql(`SELECT hex(ciphertext) FROM reports WHERE id = '${id}'`);
    const file = join(scratch, `${id}.age`);
    writeFileSync(file, Buffer.from(hex, 'hex'));
    const report = JSON.parse(ageDecrypt(file, scratch).toString('utf8'));
    const texts = [report.description, report.involved, report.place, report.approximate_date];
    if (!texts.some((text) => String(text).includes(marker))) continue;
    const objects = sql(`SELECT object_name FROM report_attachments WHERE report_id = '${id}' ORDER BY position`)
      .split('\n')
      .filter(Boolean);
    const attachments = objects.map((name) => {
      const path = join(DATA_DIR, 'objects', name);
      return { path, bytes: ageDecrypt(path, scratch) };
    });
    const keyIds = sql(`SELECT key_id FROM report_recipients WHERE report_id = '${id}'`).split('\n');
    const encryptedIn = sql(`SELECT encrypted_in FROM reports WHERE id = '${id}'`);
    return { id, encryptedIn, keyIds, report, attachments };
  }
  return undefined;
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
export const serverLog = () => (existsSync(SERVER_LOG) ? readFileSync(SERVER_LOG) : Buffer.alloc(0));
/** A sparse file of `mebibytes` (fast to create, as large as it says to the browser). */
export function sparseFile(dir: string, name: string, mebibytes: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, mebibytes * 1024 * 1024);
  closeSync(fd);
  return path;
}
