/**
 * The one typed `cloudInit()`: wx-server-sdk initialised for the environment the function runs in, once per
 * instance. The local cloud runs the very same code; only the SDK's transport underneath differs.
 */
import cloud from 'wx-server-sdk';

let initialised = false;

export function cloudSdk(): typeof cloud {
  if (!initialised) {
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, throwOnNotFound: false });
    initialised = true;
  }
  return cloud;
}

export type CloudDatabase = ReturnType<typeof cloud.database>;

/** What db.runTransaction hands its callback: collections whose doc() reads and writes join the transaction. */
export type Tx = { collection(name: string): ReturnType<CloudDatabase['collection']> };

let db: CloudDatabase | null = null;

/** The database handle, built once per instance as WeChat advises (the SDK sends each request afresh anyway). */
export function database(): CloudDatabase {
  db ??= cloudSdk().database();
  return db;
}

/** The caller's WeChat identity; only ever from getWXContext() (API.md section 1). */
export function callerOpenid(): string | null {
  const openid = cloudSdk().getWXContext().OPENID;
  return typeof openid === 'string' && openid.length > 0 ? openid : null;
}
