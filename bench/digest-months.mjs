// The month files that `pile veille digest` reads for a period: the first one
// that can hold its items, and every later one.
import { firstStoreMonth } from "../dist/veille/digest.js";

export function digestMonthFilter(period) {
  const first = firstStoreMonth(period.start);
  return (month) => month >= first;
}
