/** The append-only audit of privileged actions (DESIGN.md section 4). Rows are never updated or purged. */
import type { AuditDoc } from './db/documents';
import { Repository } from './db/repository';
import { randomId } from './privacy/personal-data';
import type { SystemContext } from './router';

export async function audit(
  ctx: SystemContext,
  entry: Omit<AuditDoc, '_id' | 'at' | 'details'> & { details?: AuditDoc['details'] },
): Promise<void> {
  await new Repository<AuditDoc>(ctx.db, 'audit').insert({
    _id: randomId(12),
    at: ctx.now,
    details: {},
    ...entry,
  });
}
