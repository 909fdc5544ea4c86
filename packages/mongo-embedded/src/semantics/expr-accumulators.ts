import { ACCUMULATORS, type Accumulator } from './accumulators';
import { evaluateArguments, type OperatorImplementation, type OperatorTable } from './expression-core';

/**
 * `$sum`/`$avg`/`$min`/`$max`/`$stdDev*` as expressions: one operand that is an array is accumulated element by element,
 * several operands are accumulated as a list (arrays among them are not expanded).
 */
function accumulatorExpression(name: string): OperatorImplementation {
  return (operand, context, evaluate) => {
    const values = evaluateArguments(name, operand, context, evaluate);
    const inputs = values.length === 1 && Array.isArray(values[0]) ? values[0] : values;
    const accumulator = (ACCUMULATORS[name] as () => Accumulator)();
    for (const value of inputs) accumulator.add(value);
    return accumulator.result();
  };
}

export const accumulatorOperators: OperatorTable = {
  $sum: accumulatorExpression('$sum'),
  $avg: accumulatorExpression('$avg'),
  $min: accumulatorExpression('$min'),
  $max: accumulatorExpression('$max'),
  $stdDevPop: accumulatorExpression('$stdDevPop'),
  $stdDevSamp: accumulatorExpression('$stdDevSamp'),
};
