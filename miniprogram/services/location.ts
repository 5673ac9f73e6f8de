/**
 * The scanner's live location at the gate (rule 7: every scan is checked against the site). While the scan page is
 * open it follows the phone's position (wx.startLocationUpdate + wx.onLocationChange, declared in app.json's
 * `requiredPrivateInfos`, with the permission text) and keeps the newest fix with the time it came.
 */
import { fixOf, type Fix } from '../core/geo';

export interface LiveFix {
  fix: Fix;
  /** When the phone reported it (ms since the epoch). */
  at: number;
}

export interface LocationWatch {
  stop(): void;
}

/**
 * Starts following the location. `onFix` gets every new fix; `onRefused` is called when the location cannot be had
 * (the permission refused, or the location service off), with WeChat's errMsg.
 */
export function watchLocation(
  onFix: (live: LiveFix) => void,
  onRefused: (errMsg: string) => void,
): LocationWatch {
  const listener: WechatMiniprogram.OnLocationChangeCallback = (res) =>
    onFix({ fix: fixOf(res), at: Date.now() });
  wx.onLocationChange(listener);
  wx.startLocationUpdate({
    type: 'gcj02',
    fail: (err) => onRefused(err.errMsg),
  });
  return {
    stop() {
      wx.offLocationChange(listener);
      wx.stopLocationUpdate({});
    },
  };
}

/** Opens WeChat's settings for this mini-program; resolves true when the location is allowed afterwards. */
export function askForLocationInSettings(): Promise<boolean> {
  return new Promise((resolve) =>
    wx.openSetting({
      success: (res) => resolve(Boolean(res.authSetting['scope.userLocation'])),
      fail: () => resolve(false),
    }),
  );
}
