/** The part of WeChat's miniprogram-sm-crypto 0.3 the scanner subpackage uses: SM2 verification (and SM3). */
declare module 'miniprogram-sm-crypto' {
  export const sm2: {
    doVerifySignature(
      msg: string,
      signHex: string,
      publicKey: string,
      options?: { hash?: boolean; der?: boolean; userId?: string },
    ): boolean;
    doSignature(
      msg: string,
      privateKey: string,
      options?: { hash?: boolean; der?: boolean; publicKey?: string; userId?: string },
    ): string;
    generateKeyPairHex(): { privateKey: string; publicKey: string };
  };
  export function sm3(input: string | ArrayLike<number>): string;
}
