import { unquoteGitPath } from './git-quoting';

/** The new-side path of one `diff --git` section: rename/copy target, else the (symmetric) header path. */
function sectionPath(header: string, lines: string[]): string {
  for (const line of lines) {
    const target = /^(?:rename|copy) to (.*)$/.exec(line);
    if (target?.[1] !== undefined) return unquoteGitPath(target[1]);
  }
  if (header.startsWith('"')) {
    const quoted = /^"((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/.exec(header);
    return quoted?.[2] !== undefined ? unquoteGitPath(`"${quoted[2]}"`).slice(2) : header;
  }
  // Without a rename both sides name the same path: `a/<p> b/<p>`.
  const length = (header.length - 5) / 2;
  return header.slice(2, 2 + length);
}

/** Paths whose section in a unified patch reports a binary change. */
export function binaryPathsOfPatch(patch: Buffer): Set<string> {
  const binaries = new Set<string>();
  const sections = patch
    .toString('utf8')
    .split(/^diff --git /m)
    .slice(1);
  for (const section of sections) {
    const [header = '', ...lines] = section.split('\n');
    const body = lines.filter(
      (line) => !line.startsWith('+') && !line.startsWith('-') && !line.startsWith(' '),
    );
    if (body.some((line) => line.startsWith('Binary files ') || line === 'GIT binary patch')) {
      binaries.add(sectionPath(header, lines));
    }
  }
  return binaries;
}
