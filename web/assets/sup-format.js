// Figures as the supervisors' page shows them: rates, durations, counts, times in the campaigns' time zone.
import { t, has, getLang } from './i18n.js';

/** A rate (0.4) as "40.0%"; "—" when there is nothing to divide. */
export function pct(rate, digits = 1) {
  if (rate === null || rate === undefined || !Number.isFinite(Number(rate))) return '—';
  return `${(Number(rate) * 100).toFixed(digits)}%`;
}

/** A count with the language's grouping; "—" for none. */
export function num(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return '—';
  return new Intl.NumberFormat(getLang()).format(Number(n));
}

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function dur(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return '—';
  const s = Math.max(0, Math.floor(Number(seconds)));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** An instant (epoch ms or ISO text) as "12-07 09:00" in timeZone (the campaigns' zone). */
export function dayTime(when, timeZone) {
  if (when === null || when === undefined) return '';
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: timeZone || undefined, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** An instant as "09:00:05" in timeZone. */
export function clockTime(when, timeZone) {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat('en-GB', { timeZone: timeZone || undefined, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(d);
}

/** Today (yyyy-MM-dd) in timeZone. */
export function today(timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The translation of prefix + code when there is one, else the code itself (codes the server may add later). */
export function label(prefix, code) {
  if (code === null || code === undefined || code === '') return '';
  return has(prefix + code) ? t(prefix + code) : String(code);
}
