import { Int32 } from 'bson';
import { mongoError } from '../errors';
import { isPlainObject, type Doc } from './bson-types';
import { compareValues } from './compare';

/**
 * `$bucket` desugared the way MongoDB does: a `$group` whose `_id` is a `$switch` over the boundaries, then a
 * `$sort` on `_id`. Values outside every bucket without a `default` fail with `$switch`'s error.
 */
export function bucketToStages(spec: unknown): Doc[] {
  if (!isPlainObject(spec)) throw mongoError(40201, 'Argument to $bucket stage must be an object');
  for (const key of Object.keys(spec)) {
    if (!['groupBy', 'boundaries', 'default', 'output'].includes(key)) {
      throw mongoError(40197, `Unrecognized option to $bucket: ${key}.`);
    }
  }
  const { groupBy, boundaries, output } = spec;
  if (!(typeof groupBy === 'string' && groupBy.startsWith('$')) && !isPlainObject(groupBy)) {
    throw mongoError(
      40202,
      "The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression",
    );
  }
  if (!Array.isArray(boundaries) || boundaries.length < 2) {
    throw mongoError(
      40192,
      `The $bucket 'boundaries' field must have at least 2 values, but found ${Array.isArray(boundaries) ? boundaries.length : 0} value(s).`,
    );
  }
  for (let index = 1; index < boundaries.length; index += 1) {
    if (compareValues(boundaries[index - 1], boundaries[index]) >= 0) {
      throw mongoError(40194, "The 'boundaries' option to $bucket must be sorted in ascending order");
    }
  }
  if (output !== undefined && !isPlainObject(output))
    throw mongoError(40196, "The $bucket 'output' field must be an object");
  const branches = boundaries.slice(0, -1).map((lower, index) => ({
    case: {
      $and: [
        { $gte: [groupBy, { $literal: lower }] },
        { $lt: [groupBy, { $literal: boundaries[index + 1] }] },
      ],
    },
    then: { $literal: lower },
  }));
  const switchSpec: Doc = { branches };
  if ('default' in spec) switchSpec.default = { $literal: spec.default };
  const group: Doc = { _id: { $switch: switchSpec }, ...(output ?? { count: { $sum: new Int32(1) } }) };
  return [{ $group: group }, { $sort: { _id: new Int32(1) } }];
}
