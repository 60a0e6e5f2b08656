// Support for the report tests: a recording proxy that sees every byte the page sends, and access to
// what the server stored (its data directory, its log), the reference `age` CLI and the sqlite3 CLI.
import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** scripts/test runs the server with its data and log under this directory. */
export const E2E_DIR = process.env.PORTAL_E2E_DIR ?? '';
export const DATA_DIR = E2E_DIR && join(E2E_DIR, 'data');
export const SERVER_LOG = E2E_DIR && join(E2E_DIR, 'server.log');
export const IDENTITY_FILE = DATA_DIR && join(DATA_DIR, 'demo-office-identity.txt');

/**
 * One request, or one WebSocket message the page sent (`method` 'WS', `body` unmasked, `text` for a
 * text message), or a refused WebSocket handshake ('UPGRADE').
 */
export type Recorded = { method: string; url: string; body: Buffer; status?: number; cut?: boolean; text?: boolean };

export type ProxyOptions = {
  /** The first request or WebSocket message for which this says yes has its connection dropped half-way. */
  cut?: (request: Recorded) => boolean;
  /** Answer every WebSocket handshake 403, like a proxy that does not allow WebSockets. */
  refuseSockets?: boolean;
};

/**
 * Decodes the WebSocket frames a browser sends (always masked), calling `onFrame` with each complete
 * frame's raw bytes, unmasked payload, opcode and FIN bit.
 */
function frameDecoder(onFrame: (raw: Buffer, payload: Buffer, opcode: number, fin: boolean) => void) {
  let pending = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      const fin = (pending[0] & 0x80) !== 0;
      const opcode = pending[0] & 0x0f;
      let length = pending[1] & 0x7f;
      let at = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        at = 10;
      }
      const masked = (pending[1] & 0x80) !== 0;
      const end = at + (masked ? 4 : 0) + length;
      if (pending.length < end) return;
      const payload = Buffer.from(pending.subarray(end - length, end));
      if (masked) for (let i = 0; i < length; i++) payload[i] ^= pending[at + (i & 3)];
      const raw = pending.subarray(0, end);
      pending = pending.subarray(end);
      onFrame(raw, payload, opcode, fin);
    }
  };
}

/**
 * An HTTP proxy in front of the portal that records every request (URL and complete body) and every
 * WebSocket message the page sends, before forwarding them, and the status of each answer. The page is
 * loaded through it, so its origin is the proxy's: nothing can bypass it.
 */
export async function recordingProxy(target: string, options: ProxyOptions = {}) {
  const { cut } = options;
  const upstream = new URL(target);
  const recorded: Recorded[] = [];
  let cutDone = false;
  /** Whether `entry` is the one to cut (the first that `cut` picks); marks it. */
  const cutsHere = (entry: Recorded) => {
    if (cutDone || !cut?.(entry)) return false;
    cutDone = entry.cut = true;
    return true;
  };
  /** Sends half of `bytes`, then drops both ends of the connection. */
  const dropHalfway = (bytes: Buffer, write: (half: Buffer) => void, ends: { destroy(): unknown }[]) => {
    write(bytes.subarray(0, bytes.length >> 1));
    setTimeout(() => ends.forEach((end) => end.destroy()), 500);
  };
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
      if (cutsHere(entry)) dropHalfway(body, (half) => forward.write(half), [forward, response]);
      else forward.end(body);
    });
  });
  const sockets = new Set<Duplex>();
  server.on('upgrade', (request: http.IncomingMessage, client: Duplex, head: Buffer) => {
    const url = request.url ?? '';
    sockets.add(client);
    if (options.refuseSockets) {
      recorded.push({ method: 'UPGRADE', url, body: Buffer.alloc(0), status: 403 });
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const portal = net.connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${request.method} ${url} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        const [name, value] = [request.rawHeaders[i], request.rawHeaders[i + 1]];
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? upstream.host : value}`);
      }
      portal.write(`${lines.join('\r\n')}\r\n\r\n`);
      portal.pipe(client);
      let message: Buffer[] = [];
      let messageRaw: Buffer[] = [];
      let messageText = false;
      const decode = frameDecoder((raw, payload, opcode, fin) => {
        if (opcode >= 8) {
          portal.write(raw); // control frames: close, ping, pong
          return;
        }
        if (opcode !== 0) messageText = opcode === 1;
        message.push(payload);
        messageRaw.push(raw);
        if (!fin) return;
        const entry: Recorded = { method: 'WS', url, body: Buffer.concat(message), text: messageText };
        const bytes = Buffer.concat(messageRaw);
        message = [];
        messageRaw = [];
        recorded.push(entry);
        if (cutsHere(entry)) dropHalfway(bytes, (half) => portal.write(half), [portal, client]);
        else portal.write(bytes);
      });
      client.on('data', (chunk: Buffer) => decode(chunk));
      if (head.length > 0) decode(head);
    });
    const close = () => {
      portal.destroy();
      client.destroy();
    };
    portal.on('error', close);
    client.on('error', close);
    portal.on('close', close);
    client.on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    recorded,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * Waits for the receipt page. If it does not come, the failure says what the page showed instead (its
 * error summary) and what the proxy saw, so a failure in CI can be understood from its log alone.
 */
export async function expectReceipt(page: Page, timeout: number, recorded: Recorded[] = []) {
  try {
    await expect(page.getByRole('heading', { name: 'Denuncia recibida', level: 1 })).toBeVisible({ timeout });
  } catch (error) {
    const shown = await page.getByRole('alert').allInnerTexts().catch(() => ['(page gone)']);
    const requests = recorded
      .filter((r) => r.method !== 'WS' && r.method !== 'PUT')
      .map((r) => `${r.method} ${r.url} → ${r.status ?? 'no answer'}${r.cut ? ' (cut)' : ''}`);
    throw new Error(`no receipt; alerts: ${JSON.stringify(shown)}; requests: ${requests.join('; ')}\n${error}`);
  }
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

/** Reads the portal's database beside the running server: waits, as any second reader must, while a
 * write holds the lock (a bare read failed once with "database is locked" while other tests wrote). */
export function sql(query: string): string {
  return execFileSync('sqlite3', ['-readonly', '-cmd', '.timeout 10000', join(DATA_DIR, 'portal.db'), query], { encoding: 'utf8' }).trim();
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
    const hex = sql(`SELECT hex(ciphertext) FROM report_ciphertexts WHERE report_id = '${id}'`);
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

/**
 * The length an attachment of `size` bytes is padded to before encryption: Padmé (PURBs, PETS 2019)
 * of at least 4 KiB, written here from the paper's definition rather than taken from the portal.
 */
export function paddedLength(size: number): number {
  const length = Math.max(size, 4096);
  const e = Math.floor(Math.log2(length));
  const s = Math.floor(Math.log2(e)) + 1;
  const step = 2 ** (e - s);
  return Math.ceil(length / step) * step;
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
