/**
 * A server-side error reported to the driver exactly as MongoDB reports it: `{ ok: 0, errmsg, code, codeName }`
 * plus optional fields (errorLabels, keyPattern/keyValue for duplicate keys, writeConcernError...).
 */
export class MongoServerError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly extra: Record<string, unknown>;

  constructor(code: number, codeName: string, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'MongoServerError';
    this.code = code;
    this.codeName = codeName;
    this.extra = extra;
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** MongoDB error codes used by the engine (names as in MongoDB's error_codes.yml). */
export const ErrorCodes = {
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  EmptyFieldName: 56,
  DottedFieldName: 57,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  IndexAlreadyExists: 68,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConflict: 112,
  ConflictingOperationInProgress: 117,
  NoSuchTransaction: 251,
  TransactionTooOld: 225,
  InvalidIndexSpecificationOption: 197,
  OperationNotSupportedInTransaction: 263,
  TransactionCommitted: 256,
  DuplicateKey: 11000,
  Location10334: 10334,
  BSONObjectTooLarge: 10334,
  NotImplemented: 238,
  QueryFeatureNotAllowed: 224,
  Location15998: 15998,
  Location16410: 16410,
  Location40324: 40324,
  Unauthorized: 13,
  InternalError: 1,
} as const;

export function codeNameOf(code: number): string {
  for (const [name, value] of Object.entries(ErrorCodes)) {
    if (value === code && !name.startsWith('Location')) return name;
  }
  return `Location${code}`;
}

export function mongoError(code: number, message: string, extra?: Record<string, unknown>): MongoServerError {
  return new MongoServerError(code, codeNameOf(code), message, extra);
}
