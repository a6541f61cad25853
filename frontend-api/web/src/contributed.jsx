// Contributed files in the browser: uploading one (raw body, progress, the service's JSON errors) and
// showing one a validator must judge, fetched from GET /api/campaigns/{id}/items/{itemId}/file with the
// session (the route serves it only to whoever holds the lease on the validation item). Files become
// blob: URLs the page's Content-Security-Policy allows for images and media only.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, currentSessionToken } from './api.js';
import { errorText } from './components.jsx';

/** A file's length as people read it. */
export function byteSize(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A media type without its parameters (audio/webm;codecs=opus → audio/webm). */
export function baseType(type) {
  return String(type || '').split(';')[0].trim().toLowerCase();
}

/**
 * POST /api/campaigns/{campaignId}/uploads?itemId=N with `blob` as the body. XMLHttpRequest rather
 * than fetch: only it reports upload progress. Resolves with the service's reply (hashes, answer to
 * sign); rejects with an ApiError carrying the service's code and message.
 */
export function uploadFile(campaignId, itemId, blob, mediaType, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/campaigns/${campaignId}/uploads?itemId=${itemId}`);
    xhr.setRequestHeader('Content-Type', mediaType);
    xhr.setRequestHeader('Accept', 'application/json');
    const token = currentSessionToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let json = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = null;
      }
      if (xhr.status === 201 && json) {
        onProgress(1);
        resolve(json);
        return;
      }
      const error = json && json.error;
      reject(new ApiError(xhr.status, (error && error.code) || `HTTP_${xhr.status}`,
        (error && error.message) || `The service answered ${xhr.status}.`, error && error.details));
    };
    // a 413 sent before the body was read closes the connection: the browser may see only that
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was cut off: the file may be larger than this '
      + 'campaign takes, or the service cannot be reached.'));
    xhr.send(blob);
  });
}

/** A file's bytes fetched with the session, as a blob: URL (revoked when the view goes). */
function useFileUrl(campaignId, itemId) {
  const [state, setState] = useState({ url: null, text: null, error: null });
  useEffect(() => {
    let url = null;
    let gone = false;
    setState({ url: null, text: null, error: null });
    const headers = {};
    const token = currentSessionToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    fetch(`/api/campaigns/${campaignId}/items/${itemId}/file`, { headers, credentials: 'omit', cache: 'no-store' })
      .then(async (r) => {
        if (!r.ok) {
          let error = null;
          try {
            error = (await r.json()).error;
          } catch {
            error = null;
          }
          throw new ApiError(r.status, (error && error.code) || `HTTP_${r.status}`,
            (error && error.message) || `The service answered ${r.status}.`);
        }
        const blob = await r.blob();
        if (gone) return;
        url = URL.createObjectURL(blob);
        const text = baseType(blob.type) === 'text/plain' ? await blob.text() : null;
        if (!gone) setState({ url, text, error: null });
      })
      .catch((error) => {
        if (!gone) setState({ url: null, text: null, error });
      });
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [campaignId, itemId]);
  return state;
}

/** What a validator judges: the prompt the file answers, and the file itself, played or shown. */
export function ContributedFileView({ task }) {
  const p = task.payload;
  const prompt = p.prompt && typeof p.prompt === 'object' ? p.prompt.text : p.prompt;
  const { url, text, error } = useFileUrl(task.campaignId, task.itemId);
  const type = baseType(p.mediaType);
  return (
    <div class="contributed" data-file={p.file}>
      {prompt && <p class="item-text"><span class="meta">Prompt: </span>{String(prompt)}</p>}
      <p class="meta">A contributed file: {type}, {byteSize(Number(p.bytes))}</p>
      {error && <p class="message error" role="alert">The file cannot be shown: {errorText(error)}</p>}
      {!error && !url && <p class="busy">Fetching the file…</p>}
      {url && type.startsWith('audio/') && <audio controls src={url} aria-label="The contributed recording" data-testid="validation-audio" />}
      {url && type.startsWith('image/') && <img class="contributed-image" src={url} alt="The contributed photo" data-testid="validation-image" />}
      {url && type === 'text/plain' && <pre class="contributed-text" data-testid="validation-text">{text}</pre>}
    </div>
  );
}

/** Whether an item's payload is a validation of a contributed file. */
export function isContributedFile(payload) {
  return Boolean(payload && typeof payload === 'object' && typeof payload.file === 'string'
    && typeof payload.mediaType === 'string' && payload.contribution !== undefined);
}
