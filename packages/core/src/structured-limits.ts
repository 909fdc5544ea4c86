import {
  isCollection,
  isDocument,
  isPair,
  parseAllDocuments,
  type Document,
  type LineCounter,
  type YAMLError,
} from 'yaml';

/**
 * Bounds on member-supplied JSON/YAML before anything walks it (semantic diff, analyzer, gate checks).
 * Nesting makes every recursive consumer (comparison, serialization, redaction) pay per level, and
 * YAML aliases multiply a small text into a huge value; past these bounds a document is reported as
 * "too deep/large to compare structurally" instead of being parsed (see docs/security.md).
 */
export const STRUCTURED_LIMITS = {
  /** Deepest nesting of objects/arrays (real configuration stays far below). */
  maxDepth: 64,
  /** Largest file (UTF-16 code units) parsed into a value: above the default file size limit (5 MiB). */
  maxLength: 8 * 1024 * 1024,
  /** Most nodes in one document (YAML AST nodes, or values after aliases are resolved). */
  maxNodes: 500_000,
  /** Alias resolutions a YAML document may cost (yaml's `maxAliasCount`). */
  maxAliasCount: 1000,
} as const;

export type StructuredLimit = 'depth' | 'size' | 'nodes' | 'aliases';

export interface StructuredLimitBreach {
  limit: StructuredLimit;
  message: string;
}

const BREACH_MESSAGES: Record<StructuredLimit, string> = {
  depth: `nested deeper than ${STRUCTURED_LIMITS.maxDepth} levels`,
  size: `larger than ${STRUCTURED_LIMITS.maxLength} characters`,
  nodes: `more than ${STRUCTURED_LIMITS.maxNodes} values`,
  aliases: `YAML aliases expand beyond ${STRUCTURED_LIMITS.maxAliasCount} resolutions`,
};

export function limitBreach(limit: StructuredLimit): StructuredLimitBreach {
  return { limit, message: `too deep/large to compare structurally: ${BREACH_MESSAGES[limit]}` };
}

/**
 * Deepest `[`/`{` nesting of the text, in one linear pass, stopping as soon as it passes `stopAt`.
 * JSON strings are skipped (so the count is exact for JSON); in YAML every bracket counts, which can
 * only overestimate — a quote in a plain scalar must not hide the brackets that follow it.
 */
export function bracketNestingDepth(text: string, stopAt: number, skipJsonStrings: boolean): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22 && skipJsonStrings) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAt) return deepest;
      }
    } else if ((char === 0x5d || char === 0x7d) && depth > 0) {
      depth -= 1;
    }
  }
  return deepest;
}

/**
 * Checks a parsed value's depth and size without recursion (an explicit stack), so the check itself
 * cannot overflow. Shared subtrees (resolved YAML aliases) are counted each time they are reached,
 * which is exactly the work a later consumer would do.
 */
export function valueBreach(value: unknown): StructuredLimitBreach | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let nodes = 0;
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop() as { value: unknown; depth: number };
    nodes += 1;
    if (nodes > STRUCTURED_LIMITS.maxNodes) return limitBreach('nodes');
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= STRUCTURED_LIMITS.maxDepth) return limitBreach('depth');
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) pending.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}

/** The same check on a YAML syntax tree, before `toJS` resolves it (aliases are leaves here). */
function yamlTreeBreach(document: Document): StructuredLimitBreach | undefined {
  const pending: { node: unknown; depth: number }[] = [{ node: document.contents, depth: 0 }];
  let nodes = 0;
  while (pending.length > 0) {
    const { node, depth } = pending.pop() as { node: unknown; depth: number };
    nodes += 1;
    if (nodes > STRUCTURED_LIMITS.maxNodes) return limitBreach('nodes');
    if (isPair(node)) {
      pending.push({ node: node.key, depth }, { node: node.value, depth });
    } else if (isCollection(node)) {
      if (depth >= STRUCTURED_LIMITS.maxDepth) return limitBreach('depth');
      for (const item of node.items) pending.push({ node: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/** Size and nesting checks that need no parse: a text failing them is never handed to a parser. */
export function textBreach(text: string, format: 'json' | 'yaml'): StructuredLimitBreach | undefined {
  if (text.length > STRUCTURED_LIMITS.maxLength) return limitBreach('size');
  const depth = bracketNestingDepth(text, STRUCTURED_LIMITS.maxDepth, format === 'json');
  return depth > STRUCTURED_LIMITS.maxDepth ? limitBreach('depth') : undefined;
}

/** A parse failure past the limits carries `breach`; a syntax error does not. */
export type BoundedParse<T> =
  { ok: true; value: T } | { ok: false; error: string; breach?: StructuredLimitBreach };

function breachOutcome(breach: StructuredLimitBreach): {
  ok: false;
  error: string;
  breach: StructuredLimitBreach;
} {
  return { ok: false, error: breach.message, breach };
}

/** `JSON.parse` within the limits; a text past them is never parsed. */
export function parseJsonWithinLimits(text: string): BoundedParse<unknown> {
  const breach = textBreach(text, 'json');
  if (breach) return breachOutcome(breach);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  const tooBig = valueBreach(value);
  return tooBig ? breachOutcome(tooBig) : { ok: true, value };
}

/** Block-indented YAML can nest without brackets: a parser running out of stack means "too deep". */
function isStackOverflow(error: unknown): boolean {
  return error instanceof Error && /maximum call stack size exceeded/i.test(error.message);
}

export type YamlParse =
  | { ok: true; documents: Document[]; values: unknown[] }
  | { ok: false; error: string; breach?: StructuredLimitBreach; syntaxError?: YAMLError };

/**
 * YAML documents (`parseAllDocuments`) within the limits: size and bracket nesting before parsing,
 * the syntax tree before `toJS`, alias expansion through `maxAliasCount`, and the resolved values
 * after. The first syntax error is returned as such (callers report its position).
 */
export function parseYamlWithinLimits(text: string, options: { lineCounter?: LineCounter } = {}): YamlParse {
  const breach = textBreach(text, 'yaml');
  if (breach) return breachOutcome(breach);
  let documents: Document[];
  try {
    const parsed = parseAllDocuments(text, { prettyErrors: false, lineCounter: options.lineCounter });
    documents = (Array.isArray(parsed) ? parsed : [parsed]).filter((document) => isDocument(document));
  } catch (error) {
    if (isStackOverflow(error)) return breachOutcome(limitBreach('depth'));
    throw error;
  }
  for (const document of documents) {
    const [syntaxError] = document.errors;
    // yaml reports its own stack overflow (block nesting needs no brackets) as a syntax error.
    if (syntaxError && isStackOverflow(syntaxError)) return breachOutcome(limitBreach('depth'));
    if (syntaxError) return { ok: false, error: syntaxError.message, syntaxError };
  }
  const values: unknown[] = [];
  for (const document of documents) {
    const treeBreach = yamlTreeBreach(document);
    if (treeBreach) return breachOutcome(treeBreach);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: STRUCTURED_LIMITS.maxAliasCount });
    } catch (error) {
      if (isStackOverflow(error)) return breachOutcome(limitBreach('depth'));
      if (/excessive alias/i.test((error as Error).message)) return breachOutcome(limitBreach('aliases'));
      return { ok: false, error: (error as Error).message };
    }
    const valueTooBig = valueBreach(value);
    if (valueTooBig) return breachOutcome(valueTooBig);
    values.push(value);
  }
  return { ok: true, documents, values };
}
