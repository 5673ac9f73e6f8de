/** 我的扫码记录: the citizen's own scans, newest first, page by page. */
import type { CitizenReplies } from '../../core/contracts/citizen.contract';
import { colorView, decisionText, shanghaiClock } from '../../core/views/health-code.view';
import { callCloud } from '../../services/cloud';

type Item = CitizenReplies['history']['items'][number];

function rowOf(item: Item) {
  return {
    id: item.scanId,
    title: item.siteName,
    note: `${colorView(item.color, 'national_normal').name} · ${item.temperature}℃ · ${decisionText(item.decision)}`,
    when: shanghaiClock(new Date(item.at)),
  };
}

Component({
  data: { rows: [] as ReturnType<typeof rowOf>[], next: null as string | null, loading: true, message: '' },
  lifetimes: {
    attached() {
      void this.more();
    },
  },
  methods: {
    async more() {
      this.setData({ loading: true });
      const cursor = this.data.next;
      const reply = await callCloud('citizen', 'history', cursor ? { cursor } : {});
      if (!reply.ok) {
        this.setData({ loading: false, message: reply.error.message });
        return;
      }
      this.setData({
        loading: false,
        rows: [...this.data.rows, ...reply.data.items.map(rowOf)],
        next: reply.data.next,
      });
    },
  },
});
