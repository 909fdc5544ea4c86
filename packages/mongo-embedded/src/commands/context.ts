import type { Document } from 'bson';
import type { DataAccess } from '../storage/access';
import type { Engine } from '../storage/engine';
import type { CursorRegistry } from './cursors';
import type { SessionRegistry } from './sessions';

/** What the server tells clients about itself in hello and uses for cursor namespaces. */
export interface ServerIdentity {
  host: string;
  port: number;
  replicaSet: string | undefined;
  startedAt: Date;
}

export interface CommandContext {
  engine: Engine;
  identity: ServerIdentity;
  cursors: CursorRegistry;
  sessions: SessionRegistry;
  connectionId: number;
  /** The `$db` of the command. */
  db: string;
  access: DataAccess;
  /** Key of the command's logical session, when it has one. */
  sessionKey: string | undefined;
}

export type CommandHandler = (command: Document, context: CommandContext) => Promise<Document> | Document;
