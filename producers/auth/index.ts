export { secretsManagerTokenKeySource, ssmRevocationSource } from './aws-auth-sources';
export type { DeviceAuthSources, RevocationSource, TokenKeySource } from './device-auth-sources';
export {
  createHmacTokenVerifier,
  type DeviceTokenVerifier,
  parseDeviceToken,
  signDeviceToken,
  type TokenKeys,
  TokenProblem,
  type TokenVerification,
  verifyDeviceToken,
} from './device-token';
export { DeviceAuthUnavailableError, RevocationListError, TokenSecretError } from './errors';
export { fileRevocationSource, fileTokenKeySource } from './file-auth-sources';
export { type Revocation, RevocationList, type TokenClaims } from './revocation-list';
export {
  createStoredTokenVerifier,
  type StoredTokenVerifierOptions,
} from './stored-token-verifier';
export { parseTokenKeyring, TokenKeyring } from './token-keyring';
export {
  localTokenSecret,
  resolveDeviceAuthSources,
  resolveTokenSecret,
  type TokenSecretSource,
} from './token-secret';
