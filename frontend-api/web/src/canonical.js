// RFC 8785 (JSON Canonicalization Scheme) for the values answers are made of. A typed answer is
// signed as its canonical JSON, so one answer has one byte string and one digest; the service
// refuses any other spelling (422 ANSWER_NOT_CANONICAL). RFC 8785 serialises strings and numbers as
// ECMAScript's JSON.stringify does, and sorts object keys by UTF-16 code units, as Array#sort does
// by default, so the JSON the browser already has is the canonical one once keys are sorted.

/** Thrown for a value RFC 8785 cannot represent (NaN, Infinity, lone surrogates, undefined, functions). */
export class NotCanonicalizable extends TypeError {}

// a lone (unpaired) surrogate: in u-mode a well-formed pair is one code point and does not match
const LONE_SURROGATE = /\p{Cs}/u;

function string(s) {
  if (LONE_SURROGATE.test(s)) throw new NotCanonicalizable('text with an unpaired surrogate has no canonical JSON');
  return JSON.stringify(s);
}

/** The RFC 8785 canonical JSON text of `value` (plain objects, arrays, strings, finite numbers, booleans, null). */
export function canonicalJson(value) {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return string(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotCanonicalizable(`${value} has no JSON form`);
    return JSON.stringify(value); // ECMAScript Number serialisation, as RFC 8785 §3.2.2.3 specifies; -0 is "0"
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const members = Object.keys(value).sort().map((k) => `${string(k)}:${canonicalJson(value[k])}`);
    return `{${members.join(',')}}`;
  }
  throw new NotCanonicalizable(`a ${typeof value} has no JSON form`);
}

/** Strings without repeats, in canonical order (UTF-16 code units, JavaScript's default sort). */
export function sortedSet(strings) {
  return [...new Set(strings)].sort();
}
