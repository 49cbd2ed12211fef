export {
  createHmacTokenVerifier,
  type DeviceTokenVerifier,
  signDeviceToken,
  TokenProblem,
  type TokenVerification,
  verifyDeviceToken,
} from './device-token';
export { TokenSecretError } from './errors';
export {
  localTokenSecret,
  resolveTokenSecret,
  type TokenSecretSource,
} from './token-secret';
