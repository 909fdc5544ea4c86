/** Splits an RFC 822 message into unfolded headers (lowercased names) and body. */
export function parseEml(raw: string): { headers: Map<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const separator = normalized.indexOf('\n\n');
  if (separator < 0) throw new Error('no header/body separator');
  const headerBlock = normalized.slice(0, separator).replace(/\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of headerBlock.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed header line: ${line}`);
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: normalized.slice(separator + 2) };
}
