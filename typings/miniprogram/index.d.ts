/** Globals of the mini-program: the App's own options, and augmentations of WechatMiniprogram. */

interface IAppOption {
  globalData: {
    /** 'cloud' in production; 'local' points services at the local cloud over wx.request (development). */
    backend: 'cloud' | 'local';
  };
}
