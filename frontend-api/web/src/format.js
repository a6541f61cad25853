// Small display helpers.

export function shortHex(hex, keep = 6) {
  if (!hex || hex.length <= 2 + keep * 2) return hex || '';
  return `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

export function dateTime(value) {
  if (value === null || value === undefined || value === '') return '';
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function percent(x, digits = 0) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '';
  return `${(x * 100).toFixed(digits)} %`;
}

/** A token amount given in base units (string or bigint) with `decimals`, trimmed. */
export function tokenAmount(units, decimals = 18, symbol = '') {
  if (units === null || units === undefined || units === '') return '';
  let v = BigInt(units);
  const negative = v < 0n;
  if (negative) v = -v;
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  let frac = (v % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  if (frac.length > 6) frac = frac.slice(0, 6);
  return `${negative ? '-' : ''}${whole.toLocaleString()}${frac ? `.${frac}` : ''}${symbol ? ` ${symbol}` : ''}`;
}

/** The keyboard shortcut of the i-th label: 1..9, then a..z; none beyond. */
export function shortcutFor(index) {
  if (index < 9) return String(index + 1);
  if (index < 9 + 26) return String.fromCharCode(97 + index - 9);
  return null;
}

export function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
