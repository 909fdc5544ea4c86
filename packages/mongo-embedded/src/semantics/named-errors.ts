import { MongoServerError } from '../errors';

/** Errors whose code has a proper name in MongoDB's error_codes.yml but is not in the shared ErrorCodes table. */
export function conversionFailure(message: string): MongoServerError {
  return new MongoServerError(241, 'ConversionFailure', message);
}

export function invalidPipelineOperator(message: string): MongoServerError {
  return new MongoServerError(168, 'InvalidPipelineOperator', message);
}
