import { mongoError } from '../errors';
import { cloneValue, isOperatorObject, isPlainObject, isRegexValue, type Doc } from './bson-types';
import { setField } from './pipeline-fields';

function equalityValue(condition: unknown): { value: unknown } | undefined {
  if (isOperatorObject(condition)) {
    if ('$eq' in condition) return { value: condition.$eq };
    if (Array.isArray(condition.$in) && condition.$in.length === 1 && !isRegexValue(condition.$in[0])) {
      return { value: condition.$in[0] };
    }
    return undefined;
  }
  return isRegexValue(condition) ? undefined : { value: condition };
}

function collectEqualities(filter: Doc, out: [string, unknown][]): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) collectEqualities(clause, out);
    } else if (!key.startsWith('$')) {
      const equality = equalityValue(condition);
      if (equality) out.push([key, equality.value]);
    }
  }
}

/** The document an upsert starts from: the equality conditions of its filter (`$eq`, plain values, `$and`). */
export function buildUpsertSeed(filter: Doc): Doc {
  const equalities: [string, unknown][] = [];
  collectEqualities(filter, equalities);
  let seed: Doc = {};
  const paths: string[] = [];
  for (const [path, value] of equalities) {
    for (const other of paths) {
      if (other === path)
        throw mongoError(54, `cannot infer query fields to set, path '${path}' is matched twice`);
      if (path.startsWith(`${other}.`) || other.startsWith(`${path}.`)) {
        throw mongoError(
          54,
          `cannot infer query fields to set, both paths '${other}' and '${path}' are matched`,
        );
      }
    }
    paths.push(path);
    seed = setField(seed, path.split('.'), cloneValue(value));
  }
  return seed;
}
