/** 吉事办: the mini-program's entry. */
import { BACKEND } from './config';
import { useBackend } from './services/backend';

App<IAppOption>({
  globalData: {
    backend: BACKEND.mode,
  },
  onLaunch() {
    useBackend(BACKEND);
    if (BACKEND.mode === 'cloud' && wx.cloud) wx.cloud.init({ traceUser: false });
  },
});
