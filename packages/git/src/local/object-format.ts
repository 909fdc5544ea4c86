import {
  ValidationError,
  type CommitInfo,
  type CommitSignature,
  type GitSignature,
  type TreeEntryType,
} from '@conman/core';
import { GitError } from '../errors';

/** Identity line as stored in a commit header: `Name <email> <unix-seconds> <+HHMM>`. */
export interface RawSignature {
  name: string;
  email: string;
  /** `<unix-seconds> <+HHMM>`, git's internal date format, kept verbatim when a commit is replayed. */
  date: string;
}

export interface ParsedCommit extends Omit<CommitInfo, 'author' | 'committer'> {
  author: CommitSignature;
  committer: CommitSignature;
  rawAuthor: RawSignature;
}

const SIGNATURE = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/;

function parseSignature(value: string): { raw: RawSignature; parsed: CommitSignature } {
  const match = SIGNATURE.exec(value);
  if (!match) throw new GitError('Unparseable commit signature', { signature: value });
  const [, name = '', email = '', seconds = '0', timezone = '+0000'] = match;
  return {
    raw: { name, email, date: `${seconds} ${timezone}` },
    parsed: { name, email, date: new Date(Number(seconds) * 1000), timezone },
  };
}

export function parseCommit(sha: string, content: Buffer): ParsedCommit {
  const text = content.toString('utf8');
  const split = text.indexOf('\n\n');
  const headerText = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? '' : text.slice(split + 2).replace(/\n$/, '');
  let tree = '';
  const parents: string[] = [];
  let author: ReturnType<typeof parseSignature> | null = null;
  let committer: ReturnType<typeof parseSignature> | null = null;
  for (const line of headerText.split('\n')) {
    // Continuation lines (` ...`) belong to multi-line headers such as gpgsig; none of ours.
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parseSignature(value);
    else if (key === 'committer') committer = parseSignature(value);
  }
  if (!tree || !author || !committer) throw new GitError('Unparseable commit object', { sha });
  return {
    sha,
    tree,
    parents,
    author: author.parsed,
    committer: committer.parsed,
    rawAuthor: author.raw,
    message,
  };
}

export interface RawTreeEntry {
  name: string;
  mode: string;
  type: TreeEntryType;
  oid: string;
}

export function typeOfMode(mode: string): TreeEntryType {
  if (mode === '40000' || mode === '040000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}

/** Parses a tree object: repeated `<octal mode> <name>\0<20-byte oid>`. */
export function parseTree(content: Buffer): RawTreeEntry[] {
  const entries: RawTreeEntry[] = [];
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    const nul = content.indexOf(0, space);
    if (space === -1 || nul === -1 || nul + 21 > content.length)
      throw new GitError('Unparseable tree object');
    const rawMode = content.toString('latin1', offset, space);
    const mode = rawMode.padStart(6, '0');
    entries.push({
      mode,
      name: content.toString('utf8', space + 1, nul),
      type: typeOfMode(rawMode),
      oid: content.toString('hex', nul + 1, nul + 21),
    });
    offset = nul + 21;
  }
  return entries;
}

// eslint-disable-next-line no-control-regex
const IDENTITY_CRUD = /[<>\x00-\x1f]/;
const RAW_DATE = /^\d+ [+-]\d{4}$/;

function signatureLine(signature: GitSignature | RawSignature): string {
  const { name, email } = signature;
  if (!name || !email || IDENTITY_CRUD.test(name) || IDENTITY_CRUD.test(email)) {
    throw new ValidationError(
      'Invalid signature: name and email must be non-empty without <, > or control characters',
    );
  }
  const date =
    typeof signature.date === 'string'
      ? signature.date
      : `${Math.floor((signature.date ?? new Date()).getTime() / 1000)} ${('timezone' in signature && signature.timezone) || '+0000'}`;
  if (!RAW_DATE.test(date)) throw new ValidationError('Invalid signature timezone: expected +HHMM or -HHMM');
  return `${name} <${email}> ${date}`;
}

export interface CommitObject {
  tree: string;
  parents: string[];
  message: string;
  author: GitSignature | RawSignature;
  committer: GitSignature | RawSignature;
}

/**
 * Serializes a commit exactly as `commit-tree` would (no encoding header: everything is UTF-8). The
 * identities are validated above, so no caller text can add or end a header line.
 */
export function formatCommit(commit: CommitObject): Buffer {
  if (commit.message.includes('\0')) throw new ValidationError('Commit messages cannot contain NUL');
  const headers = [
    `tree ${commit.tree}`,
    ...commit.parents.map((parent) => `parent ${parent}`),
    `author ${signatureLine(commit.author)}`,
    `committer ${signatureLine(commit.committer)}`,
  ];
  const message = commit.message.endsWith('\n') ? commit.message : `${commit.message}\n`;
  return Buffer.from(`${headers.join('\n')}\n\n${message}`, 'utf8');
}
