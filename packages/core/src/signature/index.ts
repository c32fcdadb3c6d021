/** The push URL `signature` (§3 of the protocol sheet): stub and native signer. */
export { md5, md5Hex } from './md5.js';
export {
  DEFAULT_NATIVE_SIGNER_OPTIONS,
  nativeSigner,
  randomSignatureEntropy,
  SIGNATURE_ALPHABET,
  SIGNATURE_LENGTH,
  SIGNATURE_STUB_KEYS,
  signatureStub,
  signatureStubInput,
  signStub,
  type NativeSignerOptions,
  type SignatureEntropy,
  type Signer,
} from './signature.js';
