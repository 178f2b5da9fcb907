// Who is signed in: GET /api/me at the start of a page, and signing out.
import { api, toLogin } from './api.js';

export const ROLES = ['agent', 'qa', 'supervisor', 'admin', 'dealer'];

/** The signed-in user (from GET /api/me at boot), null before. */
let current = null;

export function currentUser() {
  return current;
}

/**
 * The signed-in user from GET /api/me, or null after sending the browser to the login page.
 * Throws ApiError when the server cannot be asked.
 */
export async function loadSignedInUser() {
  // A first visit without a session is not an "expired" session: plain redirect.
  const me = await api('/api/me', { on401: null });
  current = (me && me.user) || null;
  if (!current) toLogin('expired');
  return current;
}

export async function logout() {
  const btn = document.getElementById('logout');
  if (btn) btn.disabled = true;
  try {
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
  } catch {
    /* the session cookie dies with the server's session anyway; go to the login page */
  }
  // Per-sign-in page state (the agent desk opens the line once per sign-in) goes with the session.
  try { sessionStorage.clear(); } catch { /* private mode */ }
  toLogin('loggedOut');
}
