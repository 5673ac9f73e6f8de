/**
 * Database round trips per action and case (DESIGN.md section 5), for the bench: each case is one call of the bundled
 * function through the real SDK, counted by the local cloud's wire meter — operations (a transaction's begin and
 * commit included), sequential stages, and the sending of a push or SMS after the change, counted apart. The budgets
 * are pinned by test/integration/round-trips.test.ts; this prints what a run measured.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { hmacSha256Hex } from '../../cloudfunctions/_server/privacy/personal-data';
import { renderCode } from '../../miniprogram/core/dynamic-code';
import type { LocalCloud } from '../local-cloud/local-cloud';
import type { TripCount } from '../local-cloud/wire-meter';
import { syntheticIdentity } from './seed';

export interface TripFigures {
  operations: number;
  stages: number;
  sendingOperations: number;
}

interface Gate {
  id: string;
  openid: string;
  siteId: string;
}

const AT_GATE = { latitude: 43.9, longitude: 125.3 };

export class RoundTrips {
  readonly figures: Record<string, TripFigures> = {};
  private seq = 0;

  constructor(
    private readonly cloud: LocalCloud,
    private readonly initiator: string,
  ) {}

  /** One call of a function as a phone makes it; its reply's data, and its round trips kept under `label`. */
  async call<T = Record<string, unknown>>(
    label: string | null,
    fn: string,
    body: Record<string, unknown>,
    openid: string,
  ): Promise<T> {
    const { result, count } = await this.cloud.meter.measure(
      () =>
        this.cloud.functions.invoke(fn, body, { openid }) as Promise<{
          ok: boolean;
          data?: T;
          error?: unknown;
        }>,
    );
    if (!result.ok) throw new Error(`${fn}.${String(body.action)} failed: ${JSON.stringify(result.error)}`);
    if (label) this.figures[label] = figuresOf(count);
    return result.data as T;
  }

  private async citizen(n: number) {
    const openid = `trips-citizen-${n}`;
    await this.call(null, 'citizen', { action: 'register', ...syntheticIdentity(n) }, openid);
    const code = await this.call<{ codeId: string; seed: string; pass: string | null }>(
      null,
      'citizen',
      { action: 'code' },
      openid,
    );
    return {
      openid,
      qrAt: (ms: number) => renderCode(hmacSha256Hex, code, ms),
      passQrAt: (ms: number) => `JXM2${renderCode(hmacSha256Hex, code, ms).slice(4)}.${code.pass}`,
    };
  }

  private scan(label: string, gate: Gate, body: Record<string, unknown>) {
    return this.call<{ color: string; duplicate: boolean }>(
      label,
      'scan',
      {
        action: 'record',
        scanId: `trips-${this.seq++}-bench`,
        positionId: gate.id,
        location: AT_GATE,
        temperature: 36.5,
        ...body,
      },
      gate.openid,
    );
  }

  /**
   * Every case, at a gate already on duty that has scanned before (its activity mark is fresh, as at a gate with a
   * queue). `n` numbers the synthetic people this run registers (unused by the seed).
   */
  async measureAll(gate: Gate, n: number, importRows: Array<Record<string, unknown>>): Promise<void> {
    const [green, fever, pass, late] = [
      await this.citizen(n),
      await this.citizen(n + 1),
      await this.citizen(n + 2),
      await this.citizen(n + 3),
    ];
    const now = () => this.cloud.clock.nowMs();
    await this.scan('scan.record green', gate, { qr: green.qrAt(now()) });
    await this.scan('scan.record fever', gate, { qr: fever.qrAt(now()), temperature: 38.1 });
    await this.scan('scan.record recovery', gate, { qr: fever.qrAt(now() + 31_000), temperature: 36.4 });
    const retried = {
      scanId: `trips-retry-${n}`,
      qr: green.qrAt(now()),
      scannedAt: new Date(now()).toISOString(),
    };
    await this.scan('scan.record first of a retry', gate, retried);
    await this.scan('scan.record duplicate', gate, retried);
    await this.scan('scan.record no-code', gate, { guest: { category: 'elderly', name: '赵桂芳' } });
    await this.scan('scan.record JXM2', gate, { qr: pass.passQrAt(now()) });
    // synced ten minutes on, taken three minutes before that: inside the gate's duty session
    this.cloud.clock.set({ offsetMs: 10 * 60_000 });
    try {
      const taken = now() - 3 * 60_000;
      await this.scan('scan.record late sync', gate, {
        qr: late.qrAt(taken),
        scannedAt: new Date(taken).toISOString(),
      });
    } finally {
      this.cloud.clock.set({ offsetMs: 0 });
    }

    await this.call(
      'citizen.register',
      'citizen',
      { action: 'register', ...syntheticIdentity(n + 4) },
      'trips-new',
    );
    await this.call('citizen.code', 'citizen', { action: 'code' }, green.openid);

    const holder = syntheticIdentity(n + 5);
    await this.call(null, 'citizen', { action: 'register', ...holder }, 'trips-claimer');
    const created = await this.call<{ inviteCode: string }>(
      'org.createPosition',
      'org',
      {
        action: 'createPosition',
        actingPositionId: gate.id,
        siteId: gate.siteId,
        role: 'intermediate',
        holderName: holder.name,
        holderPhone: holder.phone,
      },
      gate.openid,
    );
    await this.call('org.claim', 'org', { action: 'claim', inviteCode: created.inviteCode }, 'trips-claimer');

    const page = await this.call<{ next: string | null }>(
      'records.scans first page',
      'records',
      { action: 'scans', actingPositionId: gate.id, limit: 20 },
      gate.openid,
    );
    if (page.next) {
      await this.call(
        'records.scans next page',
        'records',
        { action: 'scans', actingPositionId: gate.id, limit: 20, cursor: page.next },
        gate.openid,
      );
    }
    await this.call(
      'records.alerts first page',
      'records',
      { action: 'alerts', actingPositionId: gate.id, limit: 20 },
      gate.openid,
    );
    await this.call(
      'health.importRiskList 1,000 rows',
      'health',
      {
        action: 'importRiskList',
        actingPositionId: INITIATOR_POSITION_ID,
        source: 'bench trips',
        rows: importRows,
      },
      this.initiator,
    );
  }
}

function figuresOf(count: TripCount): TripFigures {
  return {
    operations: count.operations,
    stages: count.stages,
    sendingOperations: count.sendingOperations,
  };
}
