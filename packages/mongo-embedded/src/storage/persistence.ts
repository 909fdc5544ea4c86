import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from 'bson';
import type { Engine } from './engine';
import type { Durability, JournalOp } from './journal-ops';
import { decodeRecords, encodeRecord } from './record-file';
import { replayOp } from './replay';

const SNAPSHOT_FILE = 'snapshot.bson';
const DOCS_PER_SNAPSHOT_RECORD = 1000;
const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

const journalName = (generation: number): string => `journal-${generation}.log`;

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replays snapshot + journal into `engine`; a torn or corrupt journal tail is cut off. Returns the generation. */
function recover(dir: string, engine: Engine): number {
  let generation = 0;
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  if (existsSync(snapshotPath)) {
    const data = readFileSync(snapshotPath);
    const { records, validBytes } = decodeRecords(data);
    // Snapshots are renamed into place only when complete, so damage here is real corruption: refuse to start
    // rather than silently serve a partial database.
    if (validBytes < data.length) throw new Error(`${snapshotPath} is corrupt at byte ${validBytes}`);
    const [header, ...body] = records;
    generation = Number(header?.generation ?? 0);
    for (const record of body) for (const op of record.ops as JournalOp[]) replayOp(engine, op);
  }
  const journalPath = join(dir, journalName(generation));
  if (existsSync(journalPath)) {
    const data = readFileSync(journalPath);
    const { records, validBytes } = decodeRecords(data);
    for (const record of records) for (const op of record.ops as JournalOp[]) replayOp(engine, op);
    if (validBytes < data.length) truncateSync(journalPath, validBytes);
  }
  for (const name of readdirSync(dir)) {
    if (/^journal-\d+\.log$/.test(name) && name !== journalName(generation)) unlinkSync(join(dir, name));
  }
  return generation;
}

/**
 * Write-ahead journal with group commit: ops appended during one flush are written and fdatasync'd together, and
 * every append resolves only once its bytes are on disk. When the journal grows past a threshold the whole state
 * is written to a new snapshot (atomically renamed into place) and a fresh journal generation starts.
 */
class Journal implements Durability {
  private pending: Buffer[] = [];
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private flushing: Promise<void> | undefined;
  private bytes: number;

  constructor(
    private readonly dir: string,
    private readonly engine: Engine,
    private generation: number,
    private handle: FileHandle,
    initialBytes: number,
    private readonly compactAfterBytes: number,
  ) {
    this.bytes = initialBytes;
  }

  append(ops: JournalOp[]): Promise<void> {
    this.pending.push(encodeRecord({ ops }));
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushing ??= this.flushLoop();
    return done;
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.handle.writev(batch);
        await this.handle.datasync();
        this.bytes += batch.reduce((sum, buffer) => sum + buffer.length, 0);
        if (this.bytes > this.compactAfterBytes) await this.compact();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error as Error);
      }
    }
    this.flushing = undefined;
  }

  /** Writes the full in-memory state as the next generation's snapshot, then switches to an empty journal. */
  private async compact(): Promise<void> {
    const next = this.generation + 1;
    writeSnapshot(this.dir, this.engine, next);
    const handle = await open(join(this.dir, journalName(next)), 'a');
    await this.handle.close();
    unlinkSync(join(this.dir, journalName(this.generation)));
    this.handle = handle;
    this.generation = next;
    this.bytes = 0;
  }

  /** A clean shutdown folds the journal into a snapshot so the next start does not replay it. */
  async close(): Promise<void> {
    await this.flushing;
    if (this.bytes > 0) await this.compact();
    await this.handle.close();
  }
}

function snapshotRecords(engine: Engine): Document[] {
  const records: Document[] = [];
  for (const collection of engine.catalog.allCollections()) {
    const { database: db, name: coll } = collection;
    records.push({ ops: [{ op: 'create', db, coll, options: collection.options }] });
    const indexOps = collection
      .secondaryIndexes()
      .map((index) => ({ op: 'createIndex', db, coll, spec: index.spec }));
    let ops: Document[] = [];
    for (const doc of collection.docs.values()) {
      ops.push({ op: 'put', db, coll, doc });
      if (ops.length === DOCS_PER_SNAPSHOT_RECORD) {
        records.push({ ops });
        ops = [];
      }
    }
    if (ops.length > 0) records.push({ ops });
    // Indexes last: building them over loaded data is one sorted pass instead of many inserts.
    if (indexOps.length > 0) records.push({ ops: indexOps });
  }
  return records;
}

function writeSnapshot(dir: string, engine: Engine, generation: number): void {
  const temporary = join(dir, `${SNAPSHOT_FILE}.tmp`);
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, encodeRecord({ generation }));
    for (const record of snapshotRecords(engine)) writeSync(fd, encodeRecord(record));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, join(dir, SNAPSHOT_FILE));
  fsyncDirectory(dir);
}

const LOCK_FILE = 'mongod.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Refuses a dbPath another live process serves: two journals appending to one directory would corrupt it. */
function claimDirectory(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  if (existsSync(path)) {
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && processAlive(owner)) {
      throw new Error(`dbPath ${dir} is in use by process ${owner}`);
    }
  }
  writeFileSync(path, `${process.pid}\n`);
  return () => rmSync(path, { force: true });
}

export interface Persistence {
  close(): Promise<void>;
}

/** Loads `dir` into `engine` and makes every later change durable through the journal. */
export async function openPersistence(
  dir: string,
  engine: Engine,
  compactAfterBytes = DEFAULT_COMPACT_AFTER_BYTES,
): Promise<Persistence> {
  mkdirSync(dir, { recursive: true });
  const release = claimDirectory(dir);
  let journal: Journal;
  try {
    const generation = recover(dir, engine);
    const handle = await open(join(dir, journalName(generation)), 'a');
    const { size } = await handle.stat();
    fsyncDirectory(dir);
    journal = new Journal(dir, engine, generation, handle, size, compactAfterBytes);
  } catch (error) {
    release();
    throw error;
  }
  engine.durability = journal;
  return {
    async close() {
      await journal.close();
      release();
    },
  };
}
