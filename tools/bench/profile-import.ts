/**
 * Profiles health.importRiskList of 10,000 rows, the slowest path of the bench: `node --cpu-prof
 * tools/bench/dist/profile-import.js` writes a .cpuprofile to open in Chrome DevTools; the self-time summary is
 * printed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { startLocalCloud } from '../local-cloud/local-cloud';
import { seedPersons, syntheticIdentity } from './seed';

async function main(): Promise<void> {
  for (const method of ['log', 'info', 'warn', 'error'] as const) console[method] = () => undefined;
  const cloud = await startLocalCloud({
    dataDir: mkdtempSync(join(tmpdir(), 'jxm-profile-')),
    port: 0,
    bootstrapOpenid: 'profile-initiator',
    timers: false,
  });
  seedPersons(cloud, 10_000, () => undefined);
  const rows = Array.from({ length: 10_000 }, (_, i) => ({
    idNumber: syntheticIdentity(i).idNumber,
    status: i % 3 === 0 ? 'confirmed' : 'close_contact',
    quarantineUntil: new Date(Date.now() + 14 * 24 * 3600_000).toISOString(),
  }));
  const started = performance.now();
  const replies: unknown[] = [];
  // in calls of at most 1,000 rows, as API.md v1.1 takes them
  for (let i = 0; i < rows.length; i += 1000) {
    replies.push(
      await cloud.functions.invoke(
        'health',
        {
          action: 'importRiskList',
          actingPositionId: INITIATOR_POSITION_ID,
          source: 'profile',
          rows: rows.slice(i, i + 1000),
        },
        { openid: 'profile-initiator' },
      ),
    );
  }
  process.stdout.write(
    `importRiskList 10,000 rows in 10 calls: ${Math.round(performance.now() - started)} ms ${JSON.stringify(replies.at(-1))}\n`,
  );
  await cloud.close();
}

void main();
