/**
 * Synthetic identities for tests ("Mother" builders): valid GB 11643 ID numbers, names and phones that no real
 * person holds in this combination. Each call with a new `n` gives a new person.
 */
import { idCheckChar } from '../../miniprogram/core/identity';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['建国', '秀英', '志强', '丽娟', '海涛', '春梅', '国庆', '玉兰', '晓东', '桂芳'];

export function idNumberOf(n: number, born = '19900101', region = '220102'): string {
  const first17 = `${region}${born}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

export function personOf(n: number): { name: string; idNumber: string; phone: string } {
  return {
    name: SURNAMES[n % SURNAMES.length] + GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length],
    idNumber: idNumberOf(n, `19${String(50 + (n % 50)).padStart(2, '0')}0${1 + (n % 9)}1${n % 10}`),
    phone: `139${String(10_000_000 + n).slice(-8)}`,
  };
}
