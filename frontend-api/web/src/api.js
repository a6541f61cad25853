// The service's public HTTP API (frontend-api/openapi.yaml), and nothing else. Every error the
// service sends has one shape, {error: {code, message, details}}; it becomes an ApiError.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

let sessionToken = null;
let onSessionLost = () => {};
let reauthenticate = async () => false;
let reauthenticating = null;

export function setSessionToken(token) {
  sessionToken = token;
}

/** The session token now (for downloads that need the raw response). */
export function currentSessionToken() {
  return sessionToken;
}

/** Called when the service says the session is gone (expired, logged out elsewhere). */
export function onSessionEnded(callback) {
  onSessionLost = callback;
}

/**
 * How to get a new session without asking anyone (a key kept in the browser signs again); resolves
 * true when it did. Requests that met an expired session are then sent once more.
 */
export function onSessionExpired(callback) {
  reauthenticate = callback;
}

function renewSession() {
  if (!reauthenticating) {
    reauthenticating = Promise.resolve().then(() => reauthenticate()).catch(() => false)
      .finally(() => { reauthenticating = null; });
  }
  return reauthenticating;
}

/**
 * Calls the API. `body` is sent as JSON; `auth: false` leaves the session token out.
 * Resolves with the parsed JSON reply (null for 204), rejects with an ApiError.
 */
export async function api(method, path, { body, auth = true, signal, retried = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && sessionToken) headers.Authorization = `Bearer ${sessionToken}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'The service cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    const error = json && json.error;
    const code = (error && error.code) || `HTTP_${response.status}`;
    if (auth && sessionToken && (code === 'SESSION_EXPIRED' || code === 'SESSION_INVALID')) {
      if (!retried && await renewSession()) return api(method, path, { body, auth, signal, retried: true });
      onSessionLost(code);
    }
    throw new ApiError(response.status, code, (error && error.message) || `The service answered ${response.status}.`,
      error && error.details);
  }
  return json;
}

/** GET, remembering successful replies of public, unchanging documents (EIP-712 types, chain ids). */
const cached = new Map();
export function apiCached(path) {
  if (!cached.has(path)) {
    const pending = api('GET', path, { auth: false });
    cached.set(path, pending);
    pending.catch(() => cached.delete(path));
  }
  return cached.get(path);
}

/** True when the reply said this route does not exist on this service (yet). */
export function isMissingRoute(e) {
  return e instanceof ApiError && e.code === 'ROUTE_NOT_FOUND';
}
