/**
 * The end of a `<!…>` declaration (a DOCTYPE, with perhaps an internal subset
 * in brackets) starting at `at`: the index just after its closing `>`, or -1
 * when it is never closed. Scanned by hand, linearly: a crafted DOCTYPE must
 * not make a regular expression backtrack, and it is skipped, never read (its
 * entities are never defined, so never expanded).
 */
export function declarationEnd(text: string, at: number): number {
  let depth = 0;
  for (let i = at + 2; i < text.length; i++) {
    const char = text[i];
    if (char === "[") depth++;
    else if (char === "]") depth = Math.max(0, depth - 1);
    else if (char === ">" && depth === 0) return i + 1;
  }
  return -1;
}
