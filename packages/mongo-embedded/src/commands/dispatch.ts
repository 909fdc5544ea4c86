import type { Document } from 'bson';
import { ErrorCodes, MongoServerError, mongoError } from '../errors';
import { DirectAccess, TransactionAccess } from '../storage/access';
import type { Engine } from '../storage/engine';
import { adminCommands } from './admin';
import { aggregateCommands } from './aggregate';
import { catalogCommands } from './catalog';
import type { CommandContext, CommandHandler, ServerIdentity } from './context';
import { CursorRegistry } from './cursors';
import { findAndModifyCommands } from './find-and-modify';
import { indexCommands } from './indexes';
import { readCommands } from './read';
import { SessionRegistry, sessionKeyOf, type SessionState } from './sessions';
import { bigintOf } from './values';
import { writeCommands } from './write';

const handlers: Record<string, CommandHandler> = {
  ...adminCommands,
  ...readCommands,
  ...writeCommands,
  ...findAndModifyCommands,
  ...aggregateCommands,
  ...catalogCommands,
  ...indexCommands,
};

const retryableWrites = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
const allowedInTransaction = new Set([
  'find',
  'getMore',
  'killCursors',
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'aggregate',
  'distinct',
  'create',
  'createIndexes',
]);
const TRANSACTION_LIFETIME_MS = 60_000;

function noSuchTransaction(txnNumber: bigint): MongoServerError {
  return mongoError(
    ErrorCodes.NoSuchTransaction,
    `Transaction with { txnNumber: ${txnNumber} } has been aborted.`,
    {
      errorLabels: ['TransientTransactionError'],
    },
  );
}

/** A command bound to the logical session (and txnNumber) it runs under. */
interface SessionInvocation {
  name: string;
  handler: CommandHandler;
  command: Document;
  context: CommandContext;
  session: SessionState;
  txnNumber: bigint;
}

const STATEMENT_LISTS = ['updates', 'deletes', 'indexes'];

/** Collations change comparison results; refusing them beats answering with binary comparison silently. */
function rejectCollation(command: Document): void {
  // Runs on every command, so it walks the statement lists in place instead of collecting them.
  const hasCollation = (statement: Document): boolean => statement.collation !== undefined;
  const found =
    hasCollation(command) ||
    STATEMENT_LISTS.some((field) => {
      const statements: unknown = command[field];
      return Array.isArray(statements) && (statements as Document[]).some(hasCollation);
    });
  if (found) throw mongoError(ErrorCodes.NotImplemented, 'collation is not supported by the embedded engine');
}

/**
 * Routes a command to its handler with the right data access: a session's open transaction (autocommit: false),
 * a deduplicated retryable write (txnNumber without autocommit), or a plain direct write.
 */
export class CommandDispatcher {
  readonly cursors = new CursorRegistry();
  readonly sessions = new SessionRegistry();

  constructor(
    private readonly engine: Engine,
    private readonly identity: ServerIdentity,
  ) {}

  async run(command: Document, connectionId: number): Promise<Document> {
    try {
      return await this.dispatch(command, connectionId);
    } catch (error) {
      if (error instanceof MongoServerError) return error.toReply();
      const message = error instanceof Error ? error.message : String(error);
      return { ok: 0, errmsg: message, code: ErrorCodes.InternalError, codeName: 'InternalError' };
    }
  }

  /** Aborts transactions that outlived MongoDB's 60 s transaction lifetime, releasing their locks. */
  reapExpiredTransactions(now = Date.now()): void {
    for (const state of this.sessions.active()) {
      const transaction = state.transaction?.transaction;
      if (transaction?.state === 'active' && now - transaction.startedAt > TRANSACTION_LIFETIME_MS) {
        this.engine.endTransaction(transaction, 'aborted');
      }
    }
  }

  private async dispatch(command: Document, connectionId: number): Promise<Document> {
    const name = Object.keys(command)[0] ?? '';
    const sessionKey = sessionKeyOf(command.lsid);
    const txnNumber = bigintOf(command.txnNumber);
    if (name === 'commitTransaction' || name === 'abortTransaction') {
      return this.finishTransaction(name, sessionKey, txnNumber);
    }
    const handler = handlers[name];
    if (!handler) throw mongoError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
    rejectCollation(command);
    const context: CommandContext = {
      engine: this.engine,
      identity: this.identity,
      cursors: this.cursors,
      sessions: this.sessions,
      connectionId,
      db: typeof command.$db === 'string' ? command.$db : 'admin',
      access: new DirectAccess(this.engine),
      sessionKey,
    };
    const inTransaction = command.autocommit === false;
    if (inTransaction && (!sessionKey || txnNumber === undefined)) {
      throw mongoError(
        ErrorCodes.InvalidOptions,
        "'autocommit' field requires a transaction number to also be specified",
      );
    }
    if (sessionKey && txnNumber !== undefined && (inTransaction || retryableWrites.has(name))) {
      const invocation = {
        name,
        handler,
        command,
        context,
        session: this.sessions.obtain(sessionKey),
        txnNumber,
      };
      return inTransaction ? this.runInTransaction(invocation) : this.runRetryable(invocation);
    }
    if (sessionKey) this.sessions.obtain(sessionKey);
    return this.runDirect(handler, command, context);
  }

  private async runDirect(
    handler: CommandHandler,
    command: Document,
    context: CommandContext,
  ): Promise<Document> {
    try {
      return await handler(command, context);
    } finally {
      await context.access.finish();
    }
  }

  private async runRetryable(invocation: SessionInvocation): Promise<Document> {
    const { handler, command, context, session, txnNumber } = invocation;
    if (session.retryableReply?.txnNumber === txnNumber) return session.retryableReply.reply;
    if (txnNumber < session.txnNumber) {
      throw mongoError(
        ErrorCodes.TransactionTooOld,
        `Retryable write with txnNumber ${txnNumber} is prohibited on session because a newer retryable write with txnNumber ${session.txnNumber} has already started on this session.`,
      );
    }
    session.txnNumber = txnNumber;
    const reply = await this.runDirect(handler, command, context);
    session.retryableReply = { txnNumber, reply };
    return reply;
  }

  private async runInTransaction(invocation: SessionInvocation): Promise<Document> {
    const { name, handler, command, context, session, txnNumber } = invocation;
    if (command.startTransaction === true) {
      if (txnNumber < session.txnNumber) {
        throw mongoError(
          ErrorCodes.TransactionTooOld,
          `Cannot start transaction ${txnNumber} on session because a newer transaction ${session.txnNumber} has already started.`,
        );
      }
      if (txnNumber === session.txnNumber) {
        throw mongoError(
          ErrorCodes.ConflictingOperationInProgress,
          `Transaction ${txnNumber} has already started on this session.`,
        );
      }
      const previous = session.transaction?.transaction;
      if (previous?.state === 'active') this.engine.endTransaction(previous, 'aborted');
      session.txnNumber = txnNumber;
      session.transaction = new TransactionAccess(this.engine, this.engine.beginTransaction());
    }
    const access = session.transaction;
    if (!access || session.txnNumber !== txnNumber || access.transaction.state !== 'active')
      throw noSuchTransaction(txnNumber);
    if (!allowedInTransaction.has(name)) {
      throw mongoError(
        ErrorCodes.OperationNotSupportedInTransaction,
        `Cannot run '${name}' in a multi-document transaction.`,
      );
    }
    context.access = access;
    try {
      const reply = await handler(command, context);
      // MongoDB aborts a transaction whose write failed; later statements then see NoSuchTransaction.
      if (reply.writeErrors) this.engine.endTransaction(access.transaction, 'aborted');
      return reply;
    } catch (error) {
      if (access.transaction.state === 'active') this.engine.endTransaction(access.transaction, 'aborted');
      throw error;
    } finally {
      // Implicit collection or index creation inside a transaction takes effect at once, as in MongoDB.
      await access.finish();
    }
  }

  private async finishTransaction(
    name: string,
    sessionKey: string | undefined,
    txnNumber: bigint | undefined,
  ): Promise<Document> {
    const session = sessionKey ? this.sessions.get(sessionKey) : undefined;
    const access = session?.transaction;
    if (!session || !access || txnNumber === undefined || session.txnNumber !== txnNumber) {
      throw noSuchTransaction(txnNumber ?? -1n);
    }
    const { state } = access.transaction;
    if (name === 'abortTransaction') {
      if (state === 'committed')
        throw mongoError(ErrorCodes.TransactionCommitted, 'Transaction has been committed.');
      if (state === 'aborted') throw noSuchTransaction(txnNumber);
      this.engine.endTransaction(access.transaction, 'aborted');
      return { ok: 1 };
    }
    if (state === 'aborted') throw noSuchTransaction(txnNumber);
    if (state === 'active') await access.commit();
    return { ok: 1 };
  }
}
