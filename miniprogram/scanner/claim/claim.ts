/**
 * 认领扫码员账号 (rules 6, 12; API.md `claim`): the invited person types the code from the SMS, sees the role and
 * the site it is for (the extension `previewInvite`) before confirming, then claims it and goes on to 码上行动.
 */
import {
  claimedText,
  invitePreviewView,
  inviteProblem,
  typedInviteCode,
  type InviteView,
} from '../core/invite.view';
import { callCloud } from '../../services/cloud';

Component({
  data: {
    state: 'enter' as 'enter' | 'preview' | 'done',
    code: '',
    hint: '',
    needsRegistration: false,
    invite: null as InviteView | null,
    done: '',
    busy: false,
  },
  methods: {
    onCode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ code: e.detail.value, hint: '', needsRegistration: false });
    },
    async preview() {
      if (this.data.busy) return;
      this.setData({ busy: true });
      const reply = await callCloud('org', 'previewInvite', { inviteCode: typedInviteCode(this.data.code) });
      if (reply.ok) this.setData({ busy: false, state: 'preview', invite: invitePreviewView(reply.data) });
      else this.setData({ busy: false, ...inviteProblem(reply.error) });
    },
    async confirm() {
      if (this.data.busy) return;
      this.setData({ busy: true });
      const reply = await callCloud('org', 'claim', { inviteCode: typedInviteCode(this.data.code) });
      if (reply.ok) this.setData({ busy: false, state: 'done', done: claimedText(reply.data) });
      // spent or expired since the preview: back to the code, saying why
      else this.setData({ busy: false, state: 'enter', invite: null, ...inviteProblem(reply.error) });
    },
    edit() {
      this.setData({ state: 'enter', invite: null });
    },
    goRoles() {
      wx.redirectTo({ url: '/scanner/roles/roles' });
    },
    goRegister() {
      wx.navigateTo({ url: '/pages/register/register' });
    },
  },
});
