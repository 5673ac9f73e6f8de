/**
 * The local cloud as its own process (tools/local-cloud/dist/main.js, what `npm start` runs), for the tests that
 * kill it: resolves with the URL once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'tools', 'local-cloud', 'dist', 'main.js');

export function startLocalCloudProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, JXM_TIMERS: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve({ child, url: match[1] });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`local cloud exited (${code}) before listening:\n${out}`)));
  });
}

/** Stops it with the signal and waits until it is gone. */
export async function stopLocalCloudProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
