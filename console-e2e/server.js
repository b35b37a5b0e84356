// Starts a real Tierline server for the tests, on a free port and a fresh data directory.
//
// Default: java -jar ../server/target/tierline-server.jar serve --port 0 --data-dir <tmp>
// TIERLINE_SERVER_JAR=path   another jar
// TIERLINE_CLASSPATH=cp      java -cp <cp> dev.tierline.server.Launcher serve … instead; with the
//                            console's source folder first, the files are served as they are on disk:
//   TIERLINE_CLASSPATH=$PWD/../server/src/main/resources:/path/to/tierline-server.jar npm test
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = 60_000;

export async function startServer() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tierline-console-e2e-'));
  const serve = ['serve', '--port', '0', '--data-dir', dataDir];
  let args;
  if (process.env.TIERLINE_CLASSPATH) {
    args = ['-cp', process.env.TIERLINE_CLASSPATH, 'dev.tierline.server.Launcher', ...serve];
  } else {
    const jar = process.env.TIERLINE_SERVER_JAR ?? resolve(here, '../server/target/tierline-server.jar');
    if (!existsSync(jar)) {
      throw new Error(`${jar} does not exist: build the server first (./mvnw -q -DskipTests package), `
        + 'or set TIERLINE_SERVER_JAR or TIERLINE_CLASSPATH');
    }
    args = ['-jar', jar, ...serve];
  }
  const child = spawn(process.env.JAVA ?? 'java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const base = await new Promise((resolveBase, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms:\n${log}`)),
      START_TIMEOUT_MS);
    const onData = (chunk) => {
      log += chunk;
      const m = /listening on ws:\/\/([^/\s]+)\/ws/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolveBase(`http://${m[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${log}`));
    });
  });

  return {
    base,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A development token, minted by the server's dev-mode route. */
export async function devToken(base, person) {
  const res = await fetch(`${base}/api/dev/tokens`, { method: 'POST', body: JSON.stringify(person) });
  if (!res.ok) throw new Error(`dev token: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}
