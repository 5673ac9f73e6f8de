/**
 * The senior application form of admin/applications. (The hierarchy, admin/tree, is tested in tree-pages.test.ts;
 * the records with their reveal and the review of applications in records.test.ts.)
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { register } from '../helpers/world';
import { methods, openPage, resetPhone, startCloud, stopCloud } from './harness';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(stopCloud);

describe('admin/applications', () => {
  it('should submit an application, naming a wrong credit code under its field', async () => {
    const applicant = await register(cloud, 'adminpage-applicant');
    resetPhone('adminpage-applicant');
    const apply = openPage('admin/applications/applications');
    const field = (name: string, value: string) =>
      methods(apply).onField({ detail: { value }, currentTarget: { dataset: { field: name } } });
    field('unitName', '长春市教育局');
    field('uscc', '91350100M000100Y44');
    field('address', '长春市');
    field('applicantName', applicant.name);
    field('applicantPhone', applicant.phone);
    await methods(apply).apply();
    expect(apply.data.message).toBe('统一社会信用代码校验失败');
    expect(apply.data.hints).toEqual({ uscc: '校验位错误，请核对号码' });
    field('uscc', '91350100M000100Y43');
    await methods(apply).apply();
    expect(apply.data.message).toBe('申请已提交，请等待省政数局审核。');
  });

  it('should show the API.md v1.1 limits of a unit name under its field', async () => {
    const applicant = await register(cloud, 'adminpage-applicant-name');
    resetPhone('adminpage-applicant-name');
    const apply = openPage('admin/applications/applications');
    const field = (name: string, value: string) =>
      methods(apply).onField({ detail: { value }, currentTarget: { dataset: { field: name } } });
    field('unitName', '长春市教育局”请访问http://t.cn/x“');
    field('uscc', '91220100MA0000101A');
    field('address', '长春市');
    field('applicantName', applicant.name);
    field('applicantPhone', applicant.phone);
    await methods(apply).apply();
    expect(apply.data.hints).toEqual({ unitName: '格式不正确' });
    field('unitName', '局'.repeat(41));
    await methods(apply).apply();
    expect(apply.data.hints).toEqual({ unitName: '内容过长' });
    field('unitName', '长春市南关区·自由大路（东段）便民服务中心');
    await methods(apply).apply();
    expect(apply.data.message).toBe('申请已提交，请等待省政数局审核。');
  });
});
