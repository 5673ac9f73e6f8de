/**
 * The real wx-server-sdk on the embedded database, in the test's own process: the same engine and the same seam
 * as the local cloud, with a fresh database file per call.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/_server/db/collections';
import { DatabaseEngine } from '../../tools/local-cloud/db/engine';
import { Store } from '../../tools/local-cloud/db/store';
import { installSeam } from '../../tools/local-cloud/sdk-seam';

export interface EmbeddedDb {
  store: Store;
  engine: DatabaseEngine;
  cloud: typeof import('wx-server-sdk');
  db: ReturnType<(typeof import('wx-server-sdk'))['database']>;
  dir: string;
  clock: { offsetMs: number };
}

export function openEmbeddedDb(): EmbeddedDb {
  const dir = mkdtempSync(join(tmpdir(), 'jxm-db-'));
  const store = new Store(join(dir, 'cloud.db'), COLLECTIONS);
  const clock = { offsetMs: 0 };
  const engine = new DatabaseEngine(store, () => Date.now() + clock.offsetMs);
  installSeam(
    (action, params) => engine.send(action, params),
    async () => {
      throw new Error('no functions in this test');
    },
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk') as typeof import('wx-server-sdk');
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  return { store, engine, cloud, db: cloud.database(), dir, clock };
}
