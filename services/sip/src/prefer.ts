/**
 * Whether an RFC 7240 `Prefer` header asks for `return=minimal`. Preferences are comma-separated,
 * names and token values case-insensitive, values possibly quoted, each possibly followed by
 * `;`-parameters; a preference the server does not know is ignored (RFC 7240 §2). If a client sends
 * both `return=minimal` and `return=representation`, the first one wins.
 */
export function prefersMinimalReturn(header: string | undefined): boolean {
  if (!header) return false;
  for (const preference of header.split(',')) {
    const [nameAndValue = ''] = preference.split(';');
    const equals = nameAndValue.indexOf('=');
    if (equals < 0) continue;
    if (nameAndValue.slice(0, equals).trim().toLowerCase() !== 'return') continue;
    const value = nameAndValue
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (value === 'minimal') return true;
    if (value === 'representation') return false;
  }
  return false;
}
