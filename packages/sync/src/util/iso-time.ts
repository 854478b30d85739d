const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z; later (and negative) times print with a six-digit signed year. */
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const D2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const D3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

let cachedDay = Number.NaN;
let cachedDate = "";

/**
 * The text of `new Date(ms).toISOString()`. The "YYYY-MM-DDT" part is kept for the current UTC day
 * and the time of day is plain arithmetic: it stamps every outbox append.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_FOUR_DIGIT_YEAR_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let t = ms - day * DAY_MS;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const sec = t % 60;
  t = (t - sec) / 60;
  const min = t % 60;
  return `${cachedDate}${D2[(t - min) / 60]}:${D2[min]}:${D2[sec]}.${D3[milli]}Z`;
}
