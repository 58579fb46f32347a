/** Calendar dates in Europe/Paris, whatever the machine's time zone (shared by the features). */

const PARIS_DATE = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** `YYYY-MM-DD` of an instant, in Europe/Paris (en-CA formats as YYYY-MM-DD). */
export function parisDate(instant: Date): string {
  return PARIS_DATE.format(instant);
}
