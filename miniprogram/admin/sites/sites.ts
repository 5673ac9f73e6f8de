/**
 * 站点 (rules 6, 9; API.md v1.1 `org.sites`, `org.createSite`): the sites below the acting position, a site's
 * children, and a new site with its place picked on the map. The page offers the types the role may create; the
 * server decides, and its reasons show under each field. From a site, 在此设扫码员 opens the tree page there.
 */
import type { OrgParams } from '../../core/contracts/org.contract';
import type { Role, SiteType } from '../../core/org';
import { creatableSiteTypes, radiusOf, siteFormHints, siteRowOf, type SiteRow } from '../core/sites.view';
import { formMessage } from '../../core/views/hierarchy.view';
import { callCloud } from '../../services/cloud';

type Place = { name: string; address: string; latitude: number; longitude: number };
type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

const EMPTY_FORM = {
  name: '',
  address: '',
  type: '' as SiteType | '',
  radiusM: '1000',
  regionCode: '',
  uscc: '',
  location: null as { latitude: number; longitude: number } | null,
};

function choosePlace(): Promise<Place | null> {
  return new Promise((resolve) =>
    wx.chooseLocation({
      success: (res) => resolve(res),
      fail: () => resolve(null),
    }),
  );
}

Component({
  data: {
    actingPositionId: '',
    actingRole: 'ordinary' as Role,
    ownSite: { id: '', name: '' },
    types: [] as Array<{ value: SiteType; label: string }>,
    /** Listing one site's children (null: everything below me). */
    filter: null as SiteRow | null,
    rows: [] as SiteRow[],
    next: null as string | null,
    loaded: false,
    formOpen: false,
    form: { ...EMPTY_FORM },
    placeText: '尚未选择位置',
    parentName: '',
    hints: {} as Record<string, string>,
    message: '',
    messageOk: false,
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ actingPositionId: query.positionId ?? '' });
      void this.load();
    },
    async load() {
      const roles = await callCloud('scan', 'roles', {});
      const acting = roles.ok
        ? roles.data.items.find((r) => r.positionId === this.data.actingPositionId)
        : undefined;
      if (acting) {
        this.setData({
          actingRole: acting.role,
          ownSite: { id: acting.site.id, name: acting.site.name },
          parentName: acting.site.name,
          types: creatableSiteTypes(acting.role, acting.site.type),
        });
      }
      await this.list(null);
    },
    async list(cursor: string | null) {
      const filter = this.data.filter;
      const reply = await callCloud('org', 'sites', {
        actingPositionId: this.data.actingPositionId,
        limit: 50,
        ...(filter ? { parentSiteId: filter.siteId } : {}),
        ...(cursor ? { cursor } : {}),
      });
      if (!reply.ok) {
        this.setData({ loaded: true, message: reply.error.message, messageOk: false });
        return;
      }
      const rows = reply.data.items.map(siteRowOf);
      this.setData({
        loaded: true,
        rows: cursor ? [...this.data.rows, ...rows] : rows,
        next: reply.data.next,
      });
    },
    more() {
      return this.list(this.data.next);
    },
    /** The parent of a new site: the site whose children are listed, else my own (an intermediate: always its village). */
    parent(): { id: string | null; name: string; regionCode?: string } {
      const filter = this.data.filter;
      if (filter && this.data.actingRole !== 'intermediate')
        return { id: filter.siteId, name: filter.name, regionCode: filter.regionCode };
      const own = this.data.rows.find((r) => r.siteId === this.data.ownSite.id);
      return { id: null, name: this.data.ownSite.name, regionCode: own?.regionCode };
    },
    showChildren(e: IdTap) {
      const filter = this.data.rows.find((r) => r.siteId === e.currentTarget.dataset.id) ?? null;
      this.setData({ filter, rows: [], next: null, loaded: false, formOpen: false, message: '' });
      return this.list(null);
    },
    showAll() {
      this.setData({ filter: null, rows: [], next: null, loaded: false, formOpen: false, message: '' });
      return this.list(null);
    },
    staff(e: IdTap) {
      const site = this.data.rows.find((r) => r.siteId === e.currentTarget.dataset.id);
      if (!site) return;
      wx.navigateTo({
        url:
          `/admin/tree/tree?positionId=${this.data.actingPositionId}` +
          `&siteId=${site.siteId}&siteName=${encodeURIComponent(site.name)}`,
      });
    },
    openForm() {
      const parent = this.parent();
      this.setData({
        formOpen: true,
        form: { ...EMPTY_FORM, regionCode: parent.regionCode ?? '' },
        parentName: parent.name,
        placeText: '尚未选择位置',
        hints: {},
        message: '',
      });
    },
    closeForm() {
      this.setData({ formOpen: false, hints: {} });
    },
    async pickPlace() {
      const place = await choosePlace();
      if (!place) return;
      this.setData({
        'form.location': { latitude: place.latitude, longitude: place.longitude },
        'form.address': place.address || place.name,
        'form.name': this.data.form.name || place.name,
        placeText: `${place.name || place.address}（${place.latitude.toFixed(5)}, ${place.longitude.toFixed(5)}）`,
        'hints.location': '',
      });
    },
    pickType(
      e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { value: SiteType }>,
    ) {
      this.setData({ 'form.type': e.currentTarget.dataset.value, 'hints.type': '' });
    },
    onField(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value });
    },
    async createSite() {
      const { form } = this.data;
      if (!form.location || !form.type) {
        this.setData({
          hints: {
            ...(form.location ? {} : { location: '请在地图上选择站点位置' }),
            ...(form.type ? {} : { type: '请选择站点类型' }),
          },
          message: '请在地图上选点并选择站点类型',
          messageOk: false,
        });
        return;
      }
      const parent = this.parent();
      const radiusM = radiusOf(form.radiusM);
      const params: OrgParams<'createSite'> = {
        actingPositionId: this.data.actingPositionId,
        name: form.name,
        type: form.type,
        address: form.address,
        location: form.location,
        ...(radiusM !== undefined ? { radiusM } : {}),
        ...(parent.id ? { parentSiteId: parent.id } : {}),
        ...(form.regionCode.trim() ? { regionCode: form.regionCode.trim() } : {}),
        ...(form.uscc.trim() ? { uscc: form.uscc.trim() } : {}),
      };
      this.setData({ busy: true, message: '', hints: {} });
      const reply = await callCloud('org', 'createSite', params);
      if (!reply.ok) {
        this.setData({
          busy: false,
          message: formMessage(reply.error),
          messageOk: false,
          hints: siteFormHints(reply.error.fields),
        });
        return;
      }
      this.setData({
        busy: false,
        formOpen: false,
        message: `已创建站点：${form.name.trim()}`,
        messageOk: true,
      });
      await this.list(null);
    },
  },
});
