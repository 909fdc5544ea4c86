import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, type ErrorCode, uuidv7 } from '@conman/core';
import type { ErrorEnvelope } from './error-envelope';
import { REQUEST_ID_HEADER } from './request-id';

/** Node's parser codes for a request it could not read; the header overflow gets its own status. */
const HEADER_OVERFLOW = 'HPE_HEADER_OVERFLOW';
const PARSE_ERROR_PREFIX = 'HPE_';

interface ClientErrorAnswer {
  code: ErrorCode;
  message: string;
}

function answerFor(errorCode: string | undefined): ClientErrorAnswer | undefined {
  if (errorCode === HEADER_OVERFLOW)
    return { code: 'headers_too_large', message: 'Request headers are too large' };
  if (errorCode?.startsWith(PARSE_ERROR_PREFIX))
    return { code: 'validation_error', message: 'Malformed HTTP request' };
  return undefined;
}

/** A complete HTTP/1.1 response with the error envelope, written straight to the socket. */
function rawEnvelopeResponse({ code, message }: ClientErrorAnswer): string {
  const requestId = uuidv7();
  const envelope: ErrorEnvelope = { error: { code, message, request_id: requestId } };
  const body = JSON.stringify(envelope);
  const status = ERROR_STATUS[code];
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${requestId}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Node keeps the response being written on the socket; a raw answer then would corrupt it. */
function responseInProgress(socket: Duplex): boolean {
  const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  return current?.headersSent === true;
}

/**
 * Requests Node's HTTP parser refuses never reach Express: without this, an over-long header gets a
 * bare `431` and a malformed request line a bare `400`. They get the error envelope instead, and are
 * not logged (they are client mistakes, and logging them would let anyone flood the error log).
 * Other socket failures (resets, timeouts) just close the connection.
 */
export function answerClientErrorsWithEnvelope(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const answer = answerFor(error.code);
    if (answer === undefined || !socket.writable || responseInProgress(socket)) {
      socket.destroy();
      return;
    }
    socket.end(rawEnvelopeResponse(answer));
  });
}
