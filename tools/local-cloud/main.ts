/**
 * `npm start` ends here: the local cloud on 127.0.0.1:${JXM_PORT:-3900} with its data in ${JXM_DATA_DIR:-.data}.
 * Ctrl-C (or SIGTERM) stops it cleanly: timers stop, open requests finish, the database closes.
 */
import { join } from 'node:path';
import { REPO_ROOT, startLocalCloud } from './local-cloud';

async function main(): Promise<void> {
  const port = Number(process.env.JXM_PORT ?? 3900);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`JXM_PORT is not a port: ${process.env.JXM_PORT}`);
  const dataDir = process.env.JXM_DATA_DIR || join(REPO_ROOT, '.data');
  const bootstrap = process.env.JXM_BOOTSTRAP_OPENID ?? 'dev-initiator';
  const started = Date.now();
  const cloud = await startLocalCloud({
    dataDir,
    port,
    functionsDir: process.env.JXM_FUNCTIONS_DIR || undefined,
    bootstrapOpenid: bootstrap === '' ? null : bootstrap,
    timers: process.env.JXM_TIMERS !== 'off',
  });
  console.log(`吉祥码 local cloud listening on ${cloud.url}  (started in ${Date.now() - started} ms)`);
  console.log(`  functions: ${[...cloud.functions.functions.keys()].join(', ')}`);
  console.log(`  data:      ${dataDir}${cloud.keysCreated ? ' (new local keys created)' : ''}`);
  console.log(bootstrap ? `  initiator: x-wx-openid: ${bootstrap}` : '  initiator: bootstrap off');
  console.log(`  try:       curl -s ${cloud.url}/health`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local cloud…`);
    cloud.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`local cloud failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
