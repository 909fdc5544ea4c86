import winston from 'winston';
import { currentRequestContext, redact, type LogFields, type Logger } from '@conman/core';
import { BatchedLineStream } from './batched-stdout';

export interface LoggerOptions {
  level: string;
  service: string;
  /** Extra destination (e.g. a log file under the data dir); stdout is always used. */
  filename?: string;
  /** Writes to this stream instead of stdout (library use and tests). */
  stream?: NodeJS.WritableStream;
}

/** Adds the current request's ids to every line and strips secrets before anything is written. */
const contextAndRedaction = winston.format((info) => {
  const context = currentRequestContext();
  if (context) {
    info.request_id ??= context.requestId;
    if (context.userId) info.user_id ??= context.userId;
    if (context.apiKeyId) info.api_key_id ??= context.apiKeyId;
    if (context.appId) info.app_id ??= context.appId;
  }
  const { level, message, ...rest } = info;
  return Object.assign(info, redact(rest), {
    level,
    message: typeof message === 'string' ? redact(message) : message,
  });
});

export function createLogger(options: LoggerOptions): Logger {
  // stdout lines are written once per event-loop turn (an access log line per request otherwise
  // costs a write system call per request).
  const transports: winston.transport[] = [
    new winston.transports.Stream({ stream: options.stream ?? new BatchedLineStream() }),
  ];
  if (options.filename) transports.push(new winston.transports.File({ filename: options.filename }));
  const base = winston.createLogger({
    level: options.level,
    defaultMeta: { service: options.service },
    format: winston.format.combine(contextAndRedaction(), winston.format.timestamp(), winston.format.json()),
    transports,
  });
  return wrap(base);
}

function wrap(instance: winston.Logger): Logger {
  return {
    debug: (message: string, fields?: LogFields) => instance.debug(message, fields ?? {}),
    info: (message: string, fields?: LogFields) => instance.info(message, fields ?? {}),
    warn: (message: string, fields?: LogFields) => instance.warn(message, fields ?? {}),
    error: (message: string, fields?: LogFields) => instance.error(message, fields ?? {}),
    child: (fields: LogFields) => wrap(instance.child(fields)),
  };
}
