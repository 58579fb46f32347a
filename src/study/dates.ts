/** Calendar dates as `YYYY-MM-DD` strings: no clock times in dossiers. */

export { frenchDate, isValidDate, parisDate } from "../paris-time.js";
