/**
 * The initiator's provincial desk (admin/desk), driven as a finger does: grants of reveal, a person found by ID
 * number and acted on, credit flags, and the risk-list import from a .csv or an .xlsx picked in a WeChat chat —
 * every bad row named by its line before anything is sent, batches of at most 1,000 rows, and the summary.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { shanghaiDate } from '../../miniprogram/core/calendar';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import { call } from '../helpers/local-cloud';
import { buildWorld, register, type World } from '../helpers/world';
import { csvOf, xlsxOf } from '../helpers/xlsx-file';
import { auditOf, callsTo, fileInChat, holdCall, shows, tapOption, textIn } from './desk-helpers';
import {
  choose,
  openPage,
  phone,
  resetPhone,
  startCloud,
  stopCloud,
  tap,
  textOf,
  type,
  until,
  type PageInstance,
} from './harness';

let cloud: LocalCloud;
let world: World;
const INITIATOR = 'page-initiator';
const desk = (route: string) => openPage(`admin/desk/${route}`, { positionId: INITIATOR_POSITION_ID });

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, INITIATOR, 'desk');
});
afterAll(stopCloud);
beforeEach(() => resetPhone(INITIATOR));

describe('admin/desk: the hub', () => {
  it('should show the pending applications and open each duty one tap away', async () => {
    const applicant = await register(cloud, 'desk-applicant');
    const applied = await call(
      cloud,
      'org',
      {
        action: 'applySenior',
        unitName: '长春市商务局',
        uscc: '91350100M000100Y43',
        siteType: 'gov',
        address: '长春市南关区',
        location: { latitude: 43.88, longitude: 125.33 },
        applicantName: applicant.name,
        applicantPhone: applicant.phone,
      },
      'desk-applicant',
    );
    expect(applied.body.ok).toBe(true);
    const page = desk('desk');
    await until(() => textOf(page).includes('1 件待审核'), 'the pending count');
    for (const [cell, route] of [
      ['#open-grants', '/admin/desk/grants/grants'],
      ['#open-person', '/admin/desk/person/person'],
      ['#open-risk-list', '/admin/desk/risk-list/risk-list'],
      ['#open-applications', '/admin/applications/applications'],
      ['#open-records', '/admin/records/records'],
    ]) {
      await tap(page, cell);
      expect(phone.navigations.at(-1)).toBe(`${route}?positionId=${INITIATOR_POSITION_ID}`);
    }
  });

  it('should refuse the desk to anyone but the initiator', async () => {
    resetPhone(world.senior.openid);
    const page = openPage('admin/desk/desk', { positionId: world.senior.id });
    await until(() => textOf(page).includes('您没有权限进行此操作'), 'the refusal');
  });
});

describe('admin/desk/grants', () => {
  const open = async () => {
    const page = desk('grants/grants');
    await until(() => shows(page, `#pick-${world.senior.id}`), 'the subordinates to pick');
    return page;
  };

  it('should ask who and why before granting', async () => {
    const page = await open();
    await tap(page, '#grant');
    expect(textOf(page)).toContain('请选择授权对象，或输入其账号 ID');
    expect(textOf(page)).toContain('请填写授权事由（记入审计）');
    expect(callsTo('grantReveal')).toBe(0);
  });

  it('should grant a picked subordinate until the chosen day, and list the grant in force', async () => {
    const page = await open();
    await tap(page, `#pick-${world.senior.id}`);
    expect(textOf(page)).toContain('已选：长春站 · 高级扫码员');
    await type(page, '#reason', '联系长春站发热人员，开展流调');
    const day = shanghaiDate(new Date(Date.now() + 3 * 86_400_000));
    await choose(page, '#until', day);
    expect(textIn(page, '#until')).toContain(`${day} 23:59`);
    await tap(page, '#grant');
    await until(() => textOf(page).includes('已授权'), 'the grant');
    expect(textOf(page)).toContain(`有效至 ${day} 23:59（已记入审计）`);
    const [grant] = cloud.store
      .find('grants', { granteePositionId: world.senior.id })
      .docs.filter((g) => g.reason === '联系长春站发热人员，开展流调');
    expect((grant!.expiresAt as Date).toISOString()).toBe(new Date(`${day}T23:59:59+08:00`).toISOString());
    await until(() => shows(page, `#grant-${grant!._id}`), 'the grant in the list');
    expect(textIn(page, `#grant-${grant!._id}`)).toContain('有效');
    expect(textIn(page, `#grant-${grant!._id}`)).toContain('事由：联系长春站发热人员，开展流调');
  });

  it('should keep the last day offered within the 30 days the API allows', async () => {
    const page = await open();
    await tap(page, `#pick-${world.intermediate.id}`);
    await type(page, '#reason', '最长授权');
    await choose(page, '#until', shanghaiDate(new Date(Date.now() + 30 * 86_400_000)));
    await tap(page, '#grant');
    await until(() => textOf(page).includes('已授权'), 'the grant');
    const [grant] = cloud.store.find('grants', { reason: '最长授权' }).docs;
    expect((grant!.expiresAt as Date).getTime()).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
  });

  it('should take an account id typed in, and say when it names nobody', async () => {
    const page = await open();
    await type(page, '#grantee-id', 'no-such-position');
    await type(page, '#reason', '核查');
    await tap(page, '#grant');
    await until(() => textOf(page).includes('找不到该扫码员账号，请核对账号 ID'), 'the refusal');
  });

  it('should mark a grant ended once its position has another holder', async () => {
    const granted = await call<{ grantId: string }>(
      cloud,
      'records',
      {
        action: 'grantReveal',
        actingPositionId: INITIATOR_POSITION_ID,
        granteePositionId: world.otherSenior.id,
        reason: '吉林站核查',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
      INITIATOR,
    );
    const successor = personOf(7301);
    const replaced = await call(
      cloud,
      'org',
      {
        action: 'replaceHolder',
        actingPositionId: INITIATOR_POSITION_ID,
        positionId: world.otherSenior.id,
        holderName: successor.name,
        holderPhone: successor.phone,
        reason: '人员调整',
      },
      INITIATOR,
    );
    expect(replaced.body.ok).toBe(true);
    const page = await open();
    const row = `#grant-${granted.body.data!.grantId}`;
    await until(() => shows(page, row), 'the grant');
    expect(textIn(page, row)).toContain('持有人已变更，已失效');
  });
});

describe('admin/desk/person', () => {
  it('should find a person by ID number with a reason, in the audit', async () => {
    const person = await register(cloud, 'desk-person-found');
    const page = desk('person/person');
    await type(page, '#id-number', person.idNumber);
    await tap(page, '#find');
    expect(textOf(page)).toContain('请填写查询事由（记入审计）');
    await type(page, '#find-reason', '省疾控来函核查');
    await tap(page, '#find');
    await until(() => shows(page, '#person'), 'the person');
    expect(textIn(page, '#person')).toContain(`${person.name[0]}*`);
    expect(textIn(page, '#person')).toContain('绿码');
    expect(textOf(page)).not.toContain(person.idNumber);
    expect(auditOf(cloud, 'health.findPerson').at(-1)).toMatchObject({
      target: person.personId,
      reason: '省疾控来函核查',
    });
  });

  it('should name a wrong ID number under its field, and an unknown one', async () => {
    const page = desk('person/person');
    await type(page, '#find-reason', '核查');
    await type(page, '#id-number', idNumberOf(9).slice(0, 17) + (idNumberOf(9)[17] === '1' ? '2' : '1'));
    await tap(page, '#find');
    await until(() => textOf(page).includes('校验位错误，请核对号码'), 'the hint');
    await type(page, '#id-number', idNumberOf(9, '19800101', '220104'));
    await tap(page, '#find');
    await until(() => textOf(page).includes('未找到该身份证号的吉祥码'), 'not found');
  });

  it('should set the colour with a reason after confirming, and flag the person with evidence', async () => {
    const person = await register(cloud, 'desk-person-red');
    const page = desk('person/person');
    await type(page, '#id-number', person.idNumber);
    await type(page, '#find-reason', '流调');
    await tap(page, '#find');
    await until(() => shows(page, '#person'), 'the person');

    await tapOption(page, '#color', '红码');
    await tap(page, '#set-color');
    expect(textOf(page)).toContain('请填写调整事由（记入审计）');
    await type(page, '#color-reason', '确诊病例密切接触，省指挥部决定');
    await tap(page, '#set-color');
    await until(() => textOf(page).includes('已将'), 'the new colour');
    expect(phone.modals.at(-1)).toContain('调整为红码');
    expect(textIn(page, '#person')).toContain('红码');
    expect(cloud.store.get('persons', person.personId)!.doc.color).toBe('red');
    expect(auditOf(cloud, 'health.setColor').at(-1)).toMatchObject({
      target: person.personId,
      reason: '确诊病例密切接触，省指挥部决定',
    });

    await type(page, '#evidence', '隐瞒武汉旅行史，见流调报告 2026-118 号');
    await tap(page, '#flag');
    await until(() => textOf(page).includes('已提交信用标记'), 'the flag');
    expect(textOf(page)).toContain(`人员 ${person.name[0]}*`);
    expect(textOf(page)).toContain('隐瞒武汉旅行史');
    expect(auditOf(cloud, 'records.flagCredit').at(-1)).toMatchObject({ target: person.personId });
  });

  it('should not change the colour when the office does not confirm', async () => {
    const person = await register(cloud, 'desk-person-kept');
    const page = desk('person/person');
    await type(page, '#id-number', person.idNumber);
    await type(page, '#find-reason', '核查');
    await tap(page, '#find');
    await until(() => shows(page, '#person'), 'the person');
    await tapOption(page, '#color', '橙码');
    await type(page, '#color-reason', '试一下');
    phone.confirms = false;
    await tap(page, '#set-color');
    await until(() => phone.modals.length > 0, 'the question');
    expect(callsTo('setColor')).toBe(0);
    expect(cloud.store.get('persons', person.personId)!.doc.color).toBe('green');
  });

  it('should flag a scanner by account id for a false report', async () => {
    const page = desk('person/person');
    await tapOption(page, '#credit-subject', '扫码员（按账号 ID）');
    await type(page, '#scanner-id', world.ordinary.id);
    await tapOption(page, '#credit-kind', '扫码员上报信息严重失实');
    await type(page, '#evidence', '虚报体温，监控录像为证');
    await tap(page, '#flag');
    await until(() => textOf(page).includes('已提交信用标记'), 'the flag');
    expect(textOf(page)).toContain('扫码员上报信息严重失实');
    const [flag] = cloud.store.find('credit_flags', { 'subject.id': world.ordinary.id }).docs;
    expect(flag).toMatchObject({ kind: 'false_report', evidence: '虚报体温，监控录像为证' });
  });
});

describe('admin/desk/risk-list', () => {
  let page: PageInstance;
  beforeEach(() => {
    page = desk('risk-list/risk-list');
  });

  const pickAndRead = async (name: string, bytes: Uint8Array) => {
    fileInChat(name, bytes);
    await tap(page, '#pick');
    await until(() => shows(page, '#file') || textOf(page).includes('不'), 'the file read');
  };

  it('should show a .csv’s rows and its bad row by line, then import and sum up', async () => {
    const known = await register(cloud, 'desk-risk-known');
    const stranger = idNumberOf(11, '19700101', '220106');
    const bad = stranger.slice(0, 17) + (stranger[17] === '1' ? '2' : '1');
    await pickAndRead(
      '风险人员名单.csv',
      csvOf(
        `身份证号,状态,隔离截止\r\n${known.idNumber},确诊,\r\n${stranger},密接,2026-12-20\r\n${bad},疑似,\r\n`,
      ),
    );
    expect(textIn(page, '#file')).toContain('可导入 2 行 · 有问题 1 行 · 分 1 批');
    expect(textIn(page, '#problems')).toContain('第 4 行：身份证号校验位错误');
    expect(callsTo('importRiskList')).toBe(0);
    await tap(page, '#send');
    await until(() => shows(page, '#summary'), 'the summary');
    expect(textIn(page, '#summary')).toContain('导入完成');
    expect(textIn(page, '#summary')).toContain(
      '已导入 2 行：匹配已登记人员 1 人，其中健康码标记更新 1 人；未登记 1 人',
    );
    expect(cloud.store.get('persons', known.personId)!.doc.color).toBe('red');
    expect(auditOf(cloud, 'health.importRiskList').at(-1)!.details).toMatchObject({
      source: '风险人员名单.csv',
      rows: 2,
    });
  });

  it('should read a real .xlsx with an Excel date and import it', async () => {
    const known = await register(cloud, 'desk-risk-xlsx');
    // 46376 is 2026-12-20 in Excel's serial dates
    const bytes = xlsxOf([
      ['身份证号', '状态', '隔离截止'],
      [known.idNumber, '隔离', 46376],
      [idNumberOf(12, '19700101', '220106'), '确诊', null],
    ]);
    await pickAndRead('名单.xlsx', bytes);
    expect(textIn(page, '#file')).toContain('Excel 工作簿 · 可导入 2 行 · 有问题 0 行');
    expect(textIn(page, '#file')).toContain('隔离至 2026-12-20 23:59');
    await tap(page, '#send');
    await until(() => shows(page, '#summary'), 'the summary');
    expect(textIn(page, '#summary')).toContain('匹配已登记人员 1 人，其中健康码标记更新 1 人；未登记 1 人');
    expect(cloud.store.get('persons', known.personId)!.doc.color).toBe('orange');
  });

  it('should send 2,500 rows in 3 calls, with the progress by batch', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => {
      const born = `19${60 + Math.floor(i / 1000)}0101`;
      return `${idNumberOf(i % 1000, born, '220203')},解除,`;
    });
    await pickAndRead('全省名单.csv', csvOf(`idNumber,status,quarantineUntil\n${rows.join('\n')}\n`));
    expect(textIn(page, '#file')).toContain('可导入 2,500 行 · 有问题 0 行 · 分 3 批');
    const network = holdCall('importRiskList', 2);
    try {
      await tap(page, '#send');
      await until(
        () => textOf(page).includes('批次 2/3 · 已导入 1,000/2,500 行'),
        'the second batch on its way',
      );
      expect(shows(page, '#summary')).toBe(false);
      network.release();
      await until(() => shows(page, '#summary'), 'the summary');
    } finally {
      network.restore();
    }
    expect(callsTo('importRiskList')).toBe(3);
    expect(textIn(page, '#progress')).toContain('批次 3/3 · 已导入 2,500/2,500 行');
    expect(textIn(page, '#summary')).toContain('已导入 2,500 行');
    expect(textIn(page, '#summary')).toContain('未登记 2,500 人');
  }, 60_000);

  it('should stop at a batch the network lost, and go on from it', async () => {
    await pickAndRead('名单.csv', csvOf(`身份证号,状态\n${idNumberOf(13, '19700101', '220106')},确诊\n`));
    phone.online = false;
    await tap(page, '#send');
    await until(() => textOf(page).includes('未能导入'), 'the failure');
    expect(textOf(page)).toContain('第 1 批（第 2–2 行）未能导入：网络不可用');
    expect(textOf(page)).toContain('继续导入（从第 1 批起）');
    phone.online = true;
    await tap(page, '#send');
    await until(() => textOf(page).includes('导入完成'), 'the summary');
    expect(textIn(page, '#summary')).toContain('已导入 1 行');
  });

  it('should refuse a file it cannot read, saying what to do', async () => {
    await pickAndRead('旧名单.csv', new Uint8Array([0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x0a]));
    expect(textOf(page)).toContain('另存为“CSV UTF-8（逗号分隔）”或 .xlsx');
    expect(shows(page, '#send')).toBe(false);
    await pickAndRead('名单.xlsx', csvOf('身份证号,状态\n'));
    expect(textOf(page)).toContain('文件不是有效的 .xlsx（无法解压）');
  });

  it('should do nothing when the office cancels the choice', async () => {
    phone.chosenFile = null;
    await tap(page, '#pick');
    expect(shows(page, '#file')).toBe(false);
    expect(textOf(page)).not.toContain('无法');
  });
});
