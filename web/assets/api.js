// Our JSON API: fetch() with the user's language, errors as ApiError, a lost session sent to the login page.
import { t, getLang } from './i18n.js';
import { notify } from './dom.js';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.error)) || `HTTP ${status}`);
    this.status = status; // 0 = network failure
    this.body = body || {};
  }
  get code() { return this.body.error; }
  get field() { return this.body.field; }
}

/** Set once the page is on its way out, so that a burst of 401s redirects once. */
let leaving = false;

/** Sends the browser to the login page, telling it why (?expired=1, ?loggedOut=1; none: a plain visit). */
export function toLogin(reason = 'expired') {
  if (leaving) return;
  leaving = true;
  location.replace(reason ? `/?${reason}=1` : '/');
}

/**
 * fetch() for our JSON API. Resolves to the parsed body (null for 204).
 * 401 -> login page, with ?expired=1 unless on401 says otherwise (the returned promise never settles); 403 -> "no permission" banner + ApiError;
 * other errors -> ApiError with status and the server's JSON body.
 */
export async function api(path, { method = 'GET', body, signal, on401 = 'expired' } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: 'network', message: t('error.network') });
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try { data = JSON.parse(text); } catch { data = { error: 'bad_response', message: text.slice(0, 200) }; }
    }
  }
  if (res.status === 401) {
    toLogin(on401);
    return new Promise(() => {});
  }
  if (res.status === 403) {
    notify(t('error.forbidden'), 'error');
    throw new ApiError(403, data || { error: 'forbidden' });
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Human text for an ApiError (or anything thrown). */
export function describeError(e) {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network');
    if (e.status === 403) return t('error.forbidden');
    if (e.body && e.body.message) return e.body.message;
    return t('error.server', { status: e.status });
  }
  return String((e && e.message) || e);
}
