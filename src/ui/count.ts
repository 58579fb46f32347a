/**
 * « 1 entrée », « 3 entrées », « 0 entrée »: in French, 0 and 1 take the
 * singular. The plural defaults to the singular with an s on each word
 * (« nouvelle entrée » → « nouvelles entrées »); give it when that is wrong
 * (« source en erreur », « flux exporté »).
 */
export function count(n: number, singular: string, plural?: string): string {
  if (n <= 1) return `${n} ${singular}`;
  return `${n} ${plural ?? singular.replace(/(\p{L})(?=\s|$)/gu, "$1s")}`;
}
