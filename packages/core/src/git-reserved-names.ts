/**
 * Path segments Git treats as its own `.git` directory or as `.gitmodules` on some platform. Git's
 * `verify_path` (read-cache.c) refuses them with `is_ntfs_dotgit`, `is_hfs_dotgit` and their
 * `.gitmodules` siblings (path.c, utf8.c); a tree holding one is rejected by `git fsck` and unsafe to
 * check out on Windows or macOS. We apply the union of those rules on every platform, a little
 * stricter where that is simpler (every default-ignorable code point is skipped, not only HFS+'s list).
 */

// HFS+ ignores these when comparing names (Git's `next_hfs_char` list: ZWNJ, ZWJ, LRM, RLM, bidi
// embeddings, U+206A–U+206F, BOM); the property also covers U+200B, soft hyphen and variation selectors.
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
// NTFS drops trailing dots and spaces, and `name:stream` names an alternate data stream of `name`.
const NTFS_TRAILER = /[. ]+$/;

/** The segment as NTFS and HFS+ would compare it: ignorables gone, stream suffix and trailer dropped. */
function foldedName(segment: string): string {
  const visible = segment.replace(IGNORABLE, '').toLowerCase();
  const colon = visible.indexOf(':');
  return (colon === -1 ? visible : visible.slice(0, colon)).replace(NTFS_TRAILER, '');
}

/**
 * NTFS 8.3 fall-back short name of a dot-name (`is_ntfs_dot_generic`): exactly 8 characters, a prefix
 * of Git's hashed stem (`gi7eba` for `.gitmodules`), `~`, a digit 1–9, then digits.
 */
function isFallbackShortName(name: string, hashedStem: string): boolean {
  if (name.length !== 8) return false;
  const tilde = name.indexOf('~');
  return (
    tilde !== -1 &&
    tilde <= 6 &&
    hashedStem.startsWith(name.slice(0, tilde)) &&
    /^[1-9][0-9]*$/.test(name.slice(tilde + 1))
  );
}

/** `'.git'` or `'.gitmodules'` when some platform's Git reads `segment` as that name, else `undefined`. */
export function gitReservedName(segment: string): '.git' | '.gitmodules' | undefined {
  const name = foldedName(segment);
  if (name === '.git' || name === 'git~1') return '.git';
  if (name === '.gitmodules' || /^gitmod~[1-4]$/.test(name) || isFallbackShortName(name, 'gi7eba'))
    return '.gitmodules';
  return undefined;
}
