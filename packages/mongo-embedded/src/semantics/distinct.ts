import { MISSING, type Doc } from './bson-types';
import { compareValues } from './compare';
import { compileFilter } from './filter';
import { leafValues } from './paths';
import { valueKey } from './value-key';

/** `distinct`: array values contribute their elements; values equal under BSON equality are reported once. */
export function distinctValues(docs: Doc[], key: string, filter?: Doc): unknown[] {
  const predicate = filter ? compileFilter(filter) : () => true;
  const seen = new Map<string, unknown>();
  const add = (value: unknown) => {
    const valueKeyString = valueKey(value);
    if (!seen.has(valueKeyString)) seen.set(valueKeyString, value);
  };
  for (const doc of docs) {
    if (!predicate(doc)) continue;
    for (const leaf of leafValues(doc, key)) {
      if (leaf === MISSING) continue;
      if (Array.isArray(leaf)) leaf.forEach(add);
      else add(leaf);
    }
  }
  return [...seen.values()].sort(compareValues);
}
