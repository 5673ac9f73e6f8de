/** The part of sm-crypto 0.5 (JuneAndGreen/sm-crypto) the cloud functions use: SM2 signatures and SM3. */
declare module 'sm-crypto' {
  /** A jsbn BigInteger, as sm-crypto's own functions make them. */
  export interface SmBigInteger {
    toString(radix?: number): string;
  }

  export interface SignOptions {
    /** Compute Z and e = SM3(Z ‖ M) first (GB/T 32918.2); the default since sm-crypto 0.4. */
    hash?: boolean;
    /** ASN.1 DER instead of r‖s. */
    der?: boolean;
    /** The signer's public key (saves deriving it from the private key). */
    publicKey?: string;
    /** The distinguishing identifier in Z (default "1234567812345678"). */
    userId?: string;
    /** Nonces to use instead of drawing one: `{ k, x1 }` with x1 the x coordinate of kG. */
    pointPool?: Array<{ k: SmBigInteger; x1: SmBigInteger }>;
  }

  export const sm2: {
    generateKeyPairHex(seed?: string, radix?: number): { privateKey: string; publicKey: string };
    getPublicKeyFromPrivateKey(privateKey: string): string;
    getPoint(): { k: SmBigInteger; x1: SmBigInteger; privateKey: string; publicKey: string };
    verifyPublicKey(publicKey: string): boolean;
    doSignature(msg: string | ArrayLike<number>, privateKey: string, options?: SignOptions): string;
    doVerifySignature(
      msg: string | ArrayLike<number>,
      signHex: string,
      publicKey: string,
      options?: Pick<SignOptions, 'hash' | 'der' | 'userId'>,
    ): boolean;
  };

  export function sm3(input: string | ArrayLike<number>): string;
}
