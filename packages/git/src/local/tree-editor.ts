import { ConflictError } from '@conman/core';
import { GitNotFoundError } from '../errors';
import type { ObjectStore } from './object-store';

export interface EditorEntry {
  mode: string;
  type: string;
  oid: string;
}

type Directory = Map<string, EditorEntry>;

function splitPath(path: string): { dir: string; name: string } {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? { dir: '', name: path } : { dir: path.slice(0, slash), name: path.slice(slash + 1) };
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

/**
 * Edits a tree in memory, loading only the directories on the changed paths, then writes just those
 * directories back (deepest first) — the cost of a commit is independent of the repository size.
 * File/directory clashes are errors, unlike `update-index --index-info` which replaces silently.
 */
export class TreeEditor {
  private readonly directories = new Map<string, Directory>();
  private readonly dirty = new Set<string>(['']);

  constructor(
    private readonly store: ObjectStore,
    private readonly rootOid: string | null,
  ) {}

  async get(path: string): Promise<EditorEntry | null> {
    const { dir, name } = splitPath(path);
    const directory = await this.directory(dir, false);
    return directory?.get(name) ?? null;
  }

  async set(path: string, entry: EditorEntry): Promise<void> {
    const { dir, name } = splitPath(path);
    const directory = await this.directory(dir, true);
    if (!directory) throw new GitNotFoundError(`Directory not found: ${dir}`);
    if (directory.get(name)?.type === 'tree') {
      throw new ConflictError(`Path is a directory: ${path}`, { path });
    }
    directory.set(name, entry);
    this.markDirty(dir);
  }

  /** Removes a file (not a directory); a missing path is `GitNotFoundError`. */
  async remove(path: string): Promise<EditorEntry> {
    const { dir, name } = splitPath(path);
    const entry = (await this.directory(dir, false))?.get(name);
    if (!entry || entry.type === 'tree') throw new GitNotFoundError(`File not found: ${path}`, { path });
    this.directories.get(dir)?.delete(name);
    this.markDirty(dir);
    return entry;
  }

  /** Writes the changed directories and returns the new root tree oid. */
  async write(): Promise<string> {
    const order = [...this.dirty].sort((a, b) => depth(b) - depth(a));
    const written = new Map<string, string | null>();
    for (const dir of order) {
      const directory = (await this.directory(dir, false)) ?? new Map<string, EditorEntry>();
      const entries = [];
      for (const [name, entry] of directory) {
        const childPath = dir === '' ? name : `${dir}/${name}`;
        const rewritten = written.get(childPath);
        if (rewritten === null) continue; // a directory that ended up empty disappears, as in git
        entries.push({ name, mode: entry.mode, type: entry.type, oid: rewritten ?? entry.oid });
      }
      written.set(dir, entries.length === 0 && dir !== '' ? null : await this.store.writeTree(entries));
    }
    return written.get('') as string;
  }

  private markDirty(dir: string): void {
    for (let current = dir; ; current = splitPath(current).dir) {
      this.dirty.add(current);
      if (current === '') return;
    }
  }

  /** Loads (or with `create`, makes) the directory at `dir`; a file on the way is a clash. */
  private async directory(dir: string, create: boolean): Promise<Directory | null> {
    const cached = this.directories.get(dir);
    if (cached) return cached;
    let loaded: Directory | null;
    if (dir === '') {
      loaded = this.rootOid ? await this.load(this.rootOid) : new Map();
    } else {
      const { dir: parentDir, name } = splitPath(dir);
      const parent = await this.directory(parentDir, create);
      const entry = parent?.get(name);
      if (entry && entry.type !== 'tree') throw new ConflictError(`Path is a file: ${dir}`, { path: dir });
      if (entry) loaded = await this.load(entry.oid);
      else if (create && parent) {
        loaded = new Map();
        parent.set(name, { mode: '040000', type: 'tree', oid: '' });
      } else loaded = null;
    }
    if (loaded) this.directories.set(dir, loaded);
    return loaded;
  }

  private async load(oid: string): Promise<Directory> {
    const entries = await this.store.readTree(oid);
    return new Map(
      entries.map((entry) => [entry.name, { mode: entry.mode, type: entry.type, oid: entry.oid }]),
    );
  }
}
