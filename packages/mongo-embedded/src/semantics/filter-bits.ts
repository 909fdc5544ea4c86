import type { Binary } from 'bson';
import { mongoError } from '../errors';
import { bsonTypeName, isNumeric } from './bson-types';
import { isIntegral, toBigInt, toDouble } from './numbers';

/** Bits of BinData count from the first byte's least significant bit, as MongoDB documents. */
function binaryBits(value: Binary): bigint {
  let bits = 0n;
  const bytes = value.buffer.subarray(0, value.position);
  for (let index = bytes.length - 1; index >= 0; index -= 1)
    bits = (bits << 8n) | BigInt(bytes[index] as number);
  return bits;
}

function parseMask(operator: string, argument: unknown): bigint {
  if (bsonTypeName(argument) === 'binData') return binaryBits(argument as Binary);
  if (Array.isArray(argument)) {
    return argument.reduce<bigint>((mask, position) => {
      if (!isNumeric(position) || !isIntegral(position) || toDouble(position) < 0) {
        throw mongoError(2, `bit positions must be non-negative integers in ${operator}`);
      }
      return mask | (1n << BigInt(toDouble(position)));
    }, 0n);
  }
  if (!isNumeric(argument) || !isIntegral(argument) || toDouble(argument) < 0) {
    throw mongoError(
      2,
      `${operator} takes an Array, a number, or a BinData but received: ${bsonTypeName(argument)}`,
    );
  }
  return toBigInt(argument);
}

/** Value bits for `$bits*`: integral numbers (two's complement for negatives) and BinData; others never match. */
function valueBits(value: unknown): bigint | undefined {
  if (bsonTypeName(value) === 'binData') return binaryBits(value as Binary);
  if (!isNumeric(value) || !isIntegral(value) || !Number.isFinite(toDouble(value))) return undefined;
  return toBigInt(value);
}

const CHECKS: Record<string, (bits: bigint, mask: bigint) => boolean> = {
  $bitsAllSet: (bits, mask) => (bits & mask) === mask,
  $bitsAnySet: (bits, mask) => (bits & mask) !== 0n,
  $bitsAllClear: (bits, mask) => (bits & mask) === 0n,
  $bitsAnyClear: (bits, mask) => (bits & mask) !== mask,
};

export function isBitOperator(operator: string): boolean {
  return operator in CHECKS;
}

export function bitTest(operator: string, argument: unknown): (value: unknown) => boolean {
  const mask = parseMask(operator, argument);
  const check = CHECKS[operator] as (bits: bigint, mask: bigint) => boolean;
  return (value) => {
    const bits = valueBits(value);
    return bits !== undefined && check(bits, mask);
  };
}
