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

/**
 * A number rounded to a whole one and written the French way, digits grouped
 * by three with a narrow no-break space: « 12 345 ». The same text as
 * `Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 })`, without loading
 * ICU's locale data (about 20 ms at the end of each pull).
 */
export function frenchWhole(n: number): string {
  const rounded = Math.sign(n) * Math.round(Math.abs(n));
  const sign = rounded < 0 || Object.is(rounded, -0) ? "-" : "";
  // The shortest decimal that reads back as the number, as Intl writes it,
  // with the exponent of the largest ones (1e+21) spelled out.
  let digits = String(Math.abs(rounded));
  const exponent = /^(\d)(?:\.(\d+))?e\+(\d+)$/.exec(digits);
  if (exponent) {
    const fraction = exponent[2] ?? "";
    digits = `${exponent[1]}${fraction}${"0".repeat(Number(exponent[3]) - fraction.length)}`;
  }
  return sign + digits.replace(/\B(?=(\d{3})+$)/g, "\u202f");
}
