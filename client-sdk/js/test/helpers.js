// Test support: a real Tierline server in a child process, dev tokens, event collectors, and a TCP
// proxy that can cut connections. Not a test file itself (the test script runs test/*.test.js).
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import net from 'node:net';

export const JAR = process.env.TIERLINE_SERVER_JAR
  ?? fileURLToPath(new URL('../../../server/target/tierline-server.jar', import.meta.url));

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts `java -jar JAR serve --port 0` on a fresh data directory; resolves once it listens. */
export async function startServer() {
  if (!existsSync(JAR)) throw new Error(`no server jar at ${JAR} (build it, or set TIERLINE_SERVER_JAR)`);
  const dataDir = await mkdtemp(join(tmpdir(), 'tierline-js-'));
  const child = spawn('java', ['-jar', JAR, 'serve', '--port', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const log = []; // the last lines, for error messages; reading both pipes also keeps the server from blocking
  const keep = (line) => { log.push(line); if (log.length > 40) log.shift(); };
  createInterface({ input: child.stderr }).on('line', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await within(new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line);
      const m = /listening on (ws:\/\/\S+\/ws)/.exec(line);
      if (m) resolve(m[1]);
    });
    exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${log.join('\n')}`)));
  }), 60_000, 'the server to listen');

  return {
    url,
    port: Number(new URL(url).port),
    /** A dev token: role `technician` (with tier), `end_user` or `auditor`. */
    token(role, name, tier) {
      const args = ['-jar', JAR, 'token', '--role', role, '--name', name, '--data-dir', dataDir];
      if (tier) args.push('--tier', tier);
      return new Promise((resolve, reject) => {
        execFile('java', args, (err, stdout, stderr) => {
          if (err) reject(new Error(`token failed: ${err.message}\n${stderr}`));
          else resolve(stdout.trim().split('\n').pop());
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Records the events a session (or client) emits; `until(predicate)` waits for a matching one. */
export function collect(target, type = 'event') {
  const events = [];
  const waiters = [];
  target.on(type, (ev) => {
    events.push(ev);
    for (const w of [...waiters]) {
      if (w.predicate(ev)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(ev);
      }
    }
  });
  return {
    events,
    until(predicate, what = 'an event', ms = 10_000) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return within(new Promise((resolve) => waiters.push({ predicate, resolve })), ms, what);
    },
  };
}

/** Forwards TCP to `targetPort`; `cut()` destroys every open connection mid-stream, like a network failure. */
export async function startProxy(targetPort) {
  const pairs = new Set();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = [downstream, upstream];
    pairs.add(pair);
    const end = () => { pairs.delete(pair); downstream.destroy(); upstream.destroy(); };
    for (const s of pair) s.on('error', end).on('close', end);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    /** How many connections were cut. */
    cut() {
      const n = pairs.size;
      for (const [a, b] of [...pairs]) { a.destroy(); b.destroy(); }
      pairs.clear();
      return n;
    },
    close() {
      this.cut();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
