import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

/**
 * The ingest API's access log line (JSON), built from the HTTP API's own logging variables
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html). CDK's
 * `AccessLogFormat.jsonWithStandardFields()` is the REST API's set: it logs `$context.resourcePath`, which an
 * HTTP API does not have. The route key, the integration's status and error and the authorizer's error say
 * which of the ingest, the authorizer or API Gateway itself answered.
 */
const httpApiAccessLogFields = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  authorizerError: '$context.authorizer.error',
  errorMessage: '$context.error.message',
} as const;

export const httpApiAccessLogFormat = AccessLogFormat.custom(JSON.stringify(httpApiAccessLogFields));
