/** 吉事办: the mini-program's entry. Pages and services are added by the citizen, scanner and admin issues. */
App<IAppOption>({
  globalData: {
    backend: 'cloud',
  },
  onLaunch() {
    if (wx.cloud) wx.cloud.init({ traceUser: false });
  },
});
