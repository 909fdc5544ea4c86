import {
  DEFAULT_BLOCKED_PATHS,
  ForbiddenError,
  MAX_PATH_BYTES,
  MAX_SEGMENT_BYTES,
  PayloadTooLargeError,
  ValidationError,
  assertFileSize,
  assertPathNotBlocked,
  decodeContent,
  encodeContent,
  gitReservedName,
  slugify,
  validateRepoDirectory,
  validateRepoPath,
  workspaceBranchName,
} from '@conman/core';

describe('validateRepoPath (SPEC §5.4)', () => {
  it.each([
    'entities/customer.json',
    'config/tenant.yml',
    '.gitignore',
    '.github/workflows/ci.yml',
    'a/.gitkeep',
    'a/git/b',
    'ünïcode/файл.json',
    Array.from({ length: 17 }, () => 'a'.repeat(240)).join('/'),
    'a'.repeat(MAX_SEGMENT_BYTES),
    'é'.repeat(127),
    'emoji/👩\u200d💻.json',
    '.gitkeep',
    '.git-blame-ignore-revs',
    'a/.gitmodules.bak',
    'a/git~2',
    'gitmod~5',
    'a/.git,x',
  ])('accepts path #%#', (path) => {
    expect(validateRepoPath(path)).toBe(path);
  });

  it.each([
    ['', 'empty'],
    ['../x', '".." segments'],
    ['a/../../b', '".." segments'],
    ['./a', '"." segments'],
    ['a/./b', '"." segments'],
    ['/etc/passwd', 'relative'],
    ['a\\b', 'backslash'],
    ['a\u0000b', 'U+0000'],
    ['a\nb', 'control'],
    ['a\u007fb', 'control'],
    ['.git/config', '".git"'],
    ['x/.git/y', '".git"'],
    ['x/.GIT/y', '".git"'],
    ['x/.Git', '".git"'],
    ['a//b', 'empty segment'],
    ['a/', 'trailing'],
    ['a'.repeat(MAX_PATH_BYTES + 1), 'bytes'],
    ['é'.repeat(MAX_PATH_BYTES / 2 + 1), 'bytes'],
    ['a'.repeat(MAX_SEGMENT_BYTES + 1), '255 bytes'],
    [`x/${'é'.repeat(128)}/y`, '255 bytes'],
    ['a\u001b[31mred', 'U+001B'],
    ['a\u009bb', 'U+009B'],
    ['evil\u202egnp.js', 'U+202E'],
    ['a\u2066b', 'U+2066'],
    ['a\ud800b', 'surrogate'],
    ['a\udc00', 'surrogate'],
  ])('refuses path #%# with a 400 naming the problem (%s)', (path, reason) => {
    let caught: unknown;
    try {
      validateRepoPath(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).status).toBe(400);
    expect((caught as ValidationError).message).toContain(reason);
  });

  it.each([
    ['.git', '.git'],
    ['x/.git.', '.git'],
    ['.git ', '.git'],
    ['x/.git. . /y', '.git'],
    ['.git::$INDEX_ALLOCATION/x', '.git'],
    ['GIT~1/config', '.git'],
    ['git~1. ', '.git'],
    ['.g\u200bit/config', '.git'],
    ['.\u200cgit', '.git'],
    ['.gi\ufefft', '.git'],
    ['.G\u200dIT\u206a/x', '.git'],
    ['.gitmodules', '.gitmodules'],
    ['sub/.GitModules', '.gitmodules'],
    ['.gitmodules .', '.gitmodules'],
    ['.gitmodules:stream', '.gitmodules'],
    ['GITMOD~1', '.gitmodules'],
    ['gitmod~4', '.gitmodules'],
    ['GI7EBA~1', '.gitmodules'],
    ['gi7eb~12', '.gitmodules'],
    ['.git\u200bmodules', '.gitmodules'],
  ])('refuses %j, which Git reads as %s on some platform', (path, reserved) => {
    expect(gitReservedName(path.split('/').find((segment) => gitReservedName(segment)) ?? '')).toBe(reserved);
    expect(() => validateRepoPath(path)).toThrow(new RegExp(`"${reserved.replace('.', '\\.')}" segments`));
  });

  it('never echoes raw control characters in the error details', () => {
    try {
      validateRepoPath('a\u0000b');
    } catch (error) {
      expect(JSON.stringify((error as ValidationError).details)).not.toContain('\u0000');
    }
  });

  it('treats empty, "." and "/" as the root for directories', () => {
    expect(validateRepoDirectory(undefined)).toBe('');
    expect(validateRepoDirectory('.')).toBe('');
    expect(validateRepoDirectory('/')).toBe('');
    expect(validateRepoDirectory('entities/')).toBe('entities');
    expect(() => validateRepoDirectory('../x')).toThrow(ValidationError);
  });
});

describe('blocked paths', () => {
  it.each(['.gitignore', '.github/workflows/ci.yml', '.github/CODEOWNERS'])(
    '%j is blocked by the defaults (403)',
    (path) => {
      expect(() => assertPathNotBlocked(path, DEFAULT_BLOCKED_PATHS)).toThrow(ForbiddenError);
    },
  );

  it.each(['entities/a.json', 'x/.gitignore', 'github/a'])('%j is not blocked by the defaults', (path) => {
    expect(() => assertPathNotBlocked(path, DEFAULT_BLOCKED_PATHS)).not.toThrow();
  });

  it('applies app globs with dotfiles matched and names the glob', () => {
    try {
      assertPathNotBlocked('secrets/.env', ['secrets/**']);
      throw new Error('not blocked');
    } catch (error) {
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).details).toEqual({ path: 'secrets/.env', blocked_by: 'secrets/**' });
    }
    expect(() => assertPathNotBlocked('pages/a.json', ['**/*.lock'])).not.toThrow();
    expect(() => assertPathNotBlocked('deep/x.lock', ['**/*.lock'])).toThrow(ForbiddenError);
  });
});

describe('content encoding', () => {
  it('decodes base64 by default and utf8 on request', () => {
    expect(decodeContent(Buffer.from('hé').toString('base64')).toString()).toBe('hé');
    expect(decodeContent('hé', 'utf8')).toEqual(Buffer.from('hé'));
    expect(decodeContent('')).toEqual(Buffer.alloc(0));
  });

  it.each(['abc', 'a b=', '****', 'YQ=', 'YWJj\n', 'YR==', 'YWJ=j', 'YW-_', '=YWJ'])(
    'refuses invalid base64 %j with 400',
    (content) => {
      expect(() => decodeContent(content)).toThrow(ValidationError);
    },
  );

  it('decodes base64 of every size in linear time, far beyond what a regex could match', () => {
    const bytes = Buffer.alloc(8 * 1024 * 1024 + 1, 0xa5);
    expect(decodeContent(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(() => decodeContent(`${bytes.toString('base64')}!`)).toThrow(ValidationError);
  });

  it('refuses utf8 content holding a lone surrogate instead of storing U+FFFD', () => {
    expect(() => decodeContent('a\ud800', 'utf8')).toThrow(ValidationError);
    expect(decodeContent('👍', 'utf8')).toEqual(Buffer.from('👍'));
  });

  it('encodes for reads; utf8 refuses bytes that are not UTF-8', () => {
    expect(encodeContent(Buffer.from([0xff, 0x00]))).toBe('/wA=');
    expect(encodeContent(Buffer.from('ok'), 'utf8')).toBe('ok');
    expect(() => encodeContent(Buffer.from([0xff]), 'utf8')).toThrow(ValidationError);
  });

  it('enforces the size limit with 413', () => {
    expect(() => assertFileSize(10, 10)).not.toThrow();
    expect(() => assertFileSize(11, 10)).toThrow(PayloadTooLargeError);
  });
});

describe('workspace branch names', () => {
  it('slugs names and numbers extra workspaces with a suffix (no ref below a ref)', () => {
    expect(slugify('Alice O’Neil', 'user')).toBe('alice-o-neil');
    expect(slugify('***', 'user')).toBe('user');
    expect(workspaceBranchName('alice', 'shop')).toBe('ws/alice/shop');
    expect(workspaceBranchName('alice', 'shop', 2)).toBe('ws/alice/shop-2');
  });
});
