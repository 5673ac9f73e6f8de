/**
 * The local cloud swaps exactly two seams inside wx-server-sdk (tools/local-cloud/sdk-seam.ts). These tests fail
 * loudly when an upgrade moves either of them, instead of letting requests go to the network.
 */
import { PINNED, checkSeam, installSeam, resolveSdkInternals } from '../../tools/local-cloud/sdk-seam';

describe('the installed SDK', () => {
  it('is the pinned wx-server-sdk 4.0.2 → @cloudbase/node-sdk 3.17.2 → @cloudbase/database 1.4.3', () => {
    expect(resolveSdkInternals().versions).toEqual(PINNED);
  });

  it('still has both seams where the local cloud expects them', () => {
    expect(checkSeam()).toEqual([]);
  });
});

describe('checkSeam', () => {
  const real = resolveSdkInternals();

  it('reports a different SDK version', () => {
    const problems = checkSeam({ ...real, versions: { ...real.versions, '@cloudbase/database': '1.5.0' } });
    expect(problems).toEqual(['@cloudbase/database is 1.5.0, the local cloud is written against 1.4.3']);
  });

  it('reports a newDb() that no longer assigns Db.reqClass', () => {
    const problems = checkSeam({ ...real, newDbSource: 'function newDb() { return new Db(config) }' });
    expect(problems).toEqual(["@cloudbase/node-sdk's newDb() no longer assigns Db.reqClass"]);
  });

  it('reports a database that no longer builds requests from Db.reqClass', () => {
    const problems = checkSeam({ ...real, querySource: 'this._request = new HttpRequest(config)' });
    expect(problems).toEqual(['@cloudbase/database no longer builds its requests with Db.reqClass']);
  });

  it('reports a CloudBase without callFunction', () => {
    const problems = checkSeam({ ...real, CloudBase: { prototype: { callFunction: undefined } } });
    expect(problems).toEqual(['@cloudbase/node-sdk CloudBase.prototype.callFunction is gone']);
  });
});

describe('installSeam', () => {
  it('sends every database action to the embedded transport, also after cloud.database() is called again', async () => {
    const seen: string[] = [];
    installSeam(
      async (action) => {
        seen.push(action);
        return { requestId: 'r', data: { list: [], total: 0 } };
      },
      async () => null,
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as typeof import('wx-server-sdk');
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
    await cloud.database().collection('persons').where({ openid: 'a' }).get();
    await cloud.database().collection('persons').count();
    expect(seen).toEqual(['database.getDocument', 'database.calculateDocument']);
  });

  it('routes cloud.callFunction to the in-process host with the name and data', async () => {
    const calls: Array<[string, unknown]> = [];
    installSeam(
      async () => ({}),
      async (name, data) => {
        calls.push([name, data]);
        return { ok: true, data: 42 };
      },
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as typeof import('wx-server-sdk');
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
    const res = await cloud.callFunction({ name: 'scan', data: { action: 'roles' } });
    expect(res.result).toEqual({ ok: true, data: 42 });
    expect(calls).toEqual([['scan', { action: 'roles' }]]);
  });
});
