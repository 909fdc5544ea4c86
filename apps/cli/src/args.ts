/** Minimal `--name value` / `--name=value` / `--flag` parser; unknown options are errors, not ignored. */
export interface ParsedArgs {
  command: string | undefined;
  options: Record<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], allowed: Record<string, 'value' | 'flag'>): ParsedArgs {
  const [command, ...rest] = argv;
  const options: Record<string, string | true> = {};
  for (let index = 0; index < rest.length; index += 1) {
    const token = rest[index] as string;
    if (!token.startsWith('--')) throw new UsageError(`unexpected argument: ${token}`);
    const [name, inline] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const kind = allowed[name];
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (kind === 'flag') {
      options[name] = true;
      continue;
    }
    const value = inline ?? rest[index + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    if (inline === undefined) index += 1;
    options[name] = value;
  }
  return { command, options };
}

export function optionalPort(value: string | true | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`invalid port: ${String(value)}`);
  return port;
}

export function optionalString(value: string | true | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
