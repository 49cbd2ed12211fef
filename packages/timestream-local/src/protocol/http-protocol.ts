import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { targetPrefix } from '../constants';
import {
  InternalServerException,
  InvalidEndpointException,
  SerializationException,
  TimestreamServiceError,
  UnknownOperationException,
} from '../errors';
import type { Operation, RequestContext } from '../operations/operations';
import { JsonBody } from './json-body';

const contentType = 'application/x-amz-json-1.0';
const maxBodyBytes = 8 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const payload = body instanceof JsonBody ? body.text : JSON.stringify(body);
  const pieces = typeof payload === 'string' || Buffer.isBuffer(payload) ? undefined : payload;
  let length = 0;
  if (pieces === undefined) length = Buffer.byteLength(payload as string | Buffer);
  else for (const piece of pieces) length += piece.length;
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': length,
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  if (pieces === undefined) {
    res.end(payload);
    return;
  }
  // one write of all the pieces (writev), none of them copied into a single buffer
  res.cork();
  for (const piece of pieces) res.write(piece);
  res.end();
}

/** Writes a service error the way Timestream does: `__type` in the body, `x-amzn-ErrorType`, its status. */
function sendError(res: ServerResponse, error: TimestreamServiceError): void {
  send(res, error.httpStatus, { __type: error.type, ...error.body() }, error.type);
}

const regionPattern = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//;

/** Reads the whole request body (bounded). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) {
        reject(new SerializationException(`The request body is larger than ${maxBodyBytes} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The AWS JSON 1.0 protocol of Timestream: POST with `X-Amz-Target: Timestream_20181101.<Operation>`,
 * JSON in, JSON out, errors typed. Returns a Node request listener.
 */
export function createRequestListener(
  operations: Record<string, Operation>,
  address: () => string,
  onInternalError: (error: unknown) => void,
  acceptsHost: (hostHeader: string | undefined) => boolean = () => true,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // A web page reached by DNS rebinding talks to this port under its own name: answer only to ours.
    if (!acceptsHost(req.headers.host)) {
      req.resume();
      sendError(
        res,
        new InvalidEndpointException(
          `This local Timestream does not answer to Host ${JSON.stringify(req.headers.host ?? '')}: use http://${address()} (or add the name to its allowed hosts).`,
        ),
      );
      return;
    }
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return onInternalError(error);
      if (error instanceof TimestreamServiceError) return sendError(res, error);
      onInternalError(error);
      sendError(res, new InternalServerException('The local Timestream failed to answer; see its log.'));
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(targetPrefix)) {
      sendError(
        res,
        new UnknownOperationException(
          `Expected a POST with header X-Amz-Target: ${targetPrefix}<Operation>; got ${req.method} with X-Amz-Target ${JSON.stringify(target ?? null)}.`,
        ),
      );
      return;
    }
    const operationName = target.slice(targetPrefix.length);
    const operation = Object.hasOwn(operations, operationName) ? operations[operationName] : undefined;
    if (!operation) {
      sendError(
        res,
        new UnknownOperationException(
          `Unknown operation ${operationName}. Known: ${Object.keys(operations).sort().join(', ')}.`,
        ),
      );
      return;
    }
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch (error) {
      sendError(
        res,
        new SerializationException(
          `The request body of ${operationName} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      return;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendError(
        res,
        new SerializationException(`The request body of ${operationName} must be a JSON object.`),
      );
      return;
    }
    const auth = req.headers.authorization;
    const disconnected = new AbortController();
    res.once('close', () => {
      if (!res.writableEnded) disconnected.abort();
    });
    const ctx: RequestContext = {
      region: (typeof auth === 'string' && regionPattern.exec(auth)?.[1]) || 'us-east-1',
      address: address(),
      signal: disconnected.signal,
    };
    send(res, 200, await operation(body as Record<string, unknown>, ctx));
  }
}
