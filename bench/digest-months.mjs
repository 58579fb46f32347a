// The month files that `pile veille digest` reads for a period, from the
// command's own function (whichever of its two forms the build exports).
import * as digestCommand from "../dist/commands/veille-digest.js";

export function digestMonthFilter(period) {
  if (digestCommand.firstDigestMonth) {
    const first = digestCommand.firstDigestMonth(period);
    return (month) => month >= first;
  }
  const { first, last } = digestCommand.digestMonths(period);
  return (month) => month >= first && month <= last;
}
