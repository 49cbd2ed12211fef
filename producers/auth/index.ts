export {
  createHmacTokenVerifier,
  type DeviceTokenVerifier,
  deviceTokenVersion,
  minTokenSecretBytes,
  signDeviceToken,
  TokenProblem,
  type TokenVerification,
  verifyDeviceToken,
} from './device-token';
export { TokenSecretError } from './errors';
export {
  localTokenSecret,
  localTokenSecretFile,
  resolveTokenSecret,
  secretsManagerTokenSecret,
  type TokenSecretSource,
  tokenSecretEnvNames,
} from './token-secret';
