/**
 * 导入风险人员名单 (rule 4; API.md v1.1 `importRiskList`): the office picks the list it was sent (.xlsx or .csv, from
 * a WeChat chat), the phone reads and checks it here in the admin subpackage (admin/core/risk-list.ts) and shows
 * what it found — every bad row by its line — and only then sends the good rows, in batches of at most 1,000,
 * with the progress and a summary of matched / updated / unknown.
 */
import { shanghaiDate } from '../../../core/calendar';
import { callCloud } from '../../../services/cloud';
import { apiRow, parseRiskList, riskBatches, riskListSource, type RiskListRow } from '../../core/risk-list';
import {
  addTotals,
  batchFailureText,
  fileView,
  NO_TOTALS,
  progressText,
  summaryText,
  type Totals,
} from '../../core/risk-list.view';

/** What the page holds between reading a file and sending it: too large for setData, kept beside the page. */
interface Loaded {
  source: string;
  batches: RiskListRow[][];
  /** The next batch to send (after a failure: the one that failed). */
  nextBatch: number;
  totals: Totals;
}
const loaded = new WeakMap<object, Loaded>();

function chooseFile(): Promise<{ name: string; path: string } | null> {
  return new Promise((resolve) =>
    wx.chooseMessageFile({
      count: 1,
      type: 'file',
      extension: ['xlsx', 'csv'],
      success: (res) => resolve({ name: res.tempFiles[0]!.name, path: res.tempFiles[0]!.path }),
      fail: () => resolve(null),
    }),
  );
}

function readBytes(filePath: string): Promise<Uint8Array | null> {
  return new Promise((resolve) =>
    wx.getFileSystemManager().readFile({
      filePath,
      success: (res) => resolve(new Uint8Array(res.data as ArrayBuffer)),
      fail: () => resolve(null),
    }),
  );
}

Component({
  data: {
    positionId: '',
    file: null as ReturnType<typeof fileView> | null,
    sending: false,
    progress: '',
    percent: 0,
    /** The batch to resume from after a failure (-1: none). */
    resumeAt: -1,
    summary: '',
    message: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ positionId: query.positionId ?? '' });
    },
    async pick() {
      const chosen = await chooseFile();
      if (!chosen) return;
      const bytes = await readBytes(chosen.path);
      if (!bytes) {
        this.setData({ file: null, message: '无法读取该文件，请重新选择' });
        return;
      }
      const parsed = parseRiskList({ name: chosen.name, bytes }, shanghaiDate(new Date()));
      if (!parsed.ok) {
        loaded.delete(this);
        this.setData({ file: null, summary: '', progress: '', resumeAt: -1, message: parsed.error });
        return;
      }
      const batches = riskBatches(parsed.rows);
      loaded.set(this, { source: riskListSource(chosen.name), batches, nextBatch: 0, totals: NO_TOTALS });
      this.setData({
        file: fileView(chosen.name, parsed.format, parsed.rows, parsed.problems, batches.length),
        summary: '',
        progress: '',
        percent: 0,
        resumeAt: -1,
        message: '',
      });
    },
    async send() {
      const list = loaded.get(this);
      if (!list || this.data.sending) return;
      const total = list.batches.reduce((n, b) => n + b.length, 0);
      const sentBefore = (i: number) => list.batches.slice(0, i).reduce((n, b) => n + b.length, 0);
      this.setData({ sending: true, message: '', summary: '' });
      for (let i = list.nextBatch; i < list.batches.length; i++) {
        const batch = list.batches[i]!;
        this.setData({
          progress: progressText(i + 1, list.batches.length, sentBefore(i), total),
          percent: Math.round((sentBefore(i) / total) * 100),
        });
        const reply = await callCloud('health', 'importRiskList', {
          actingPositionId: this.data.positionId,
          source: list.source,
          rows: batch.map(apiRow),
        });
        if (!reply.ok) {
          list.nextBatch = i;
          this.setData({
            sending: false,
            resumeAt: i,
            message: batchFailureText(i, batch, reply.error),
            summary: i > 0 ? summaryText(list.totals, sentBefore(i)) : '',
          });
          return;
        }
        list.totals = addTotals(list.totals, reply.data);
        list.nextBatch = i + 1;
      }
      this.setData({
        sending: false,
        resumeAt: -1,
        progress: progressText(list.batches.length, list.batches.length, total, total),
        percent: 100,
        summary: summaryText(list.totals, total),
      });
    },
  },
});
