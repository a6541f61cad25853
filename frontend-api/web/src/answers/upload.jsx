// upload: a contributed file. Audio campaigns record in the browser (MediaRecorder: start/stop, a
// running timer, playback before anything is sent, record again); image campaigns take a photo
// (the device's camera through a capture file input) or choose one; text campaigns take a typed text.
// The file is uploaded first (POST /api/campaigns/{id}/uploads, with progress); the service answers
// with its keccak256 and sha256 and the exact answer string to sign,
// {"bytes":N,"file":"0x<keccak256>","mediaType":"..."}, which "Sign and submit" signs and sends.
// A file larger than the campaign's maxBytes is refused here, before anything is sent, with the
// limit; the service's refusals (too large, a media type it does not take, a recording too short or
// long) are shown as it words them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../components.jsx';
import { baseType, byteSize, uploadFile } from '../contributed.jsx';
import { AnswerProblem, useTaskState } from './common.js';

function settings(raw) {
  return {
    mediaTypes: Array.isArray(raw.mediaTypes) ? raw.mediaTypes : [],
    maxBytes: Number.isFinite(raw.maxBytes) ? raw.maxBytes : 10 * 1024 * 1024,
    minSeconds: Number.isFinite(raw.minSeconds) ? raw.minSeconds : 0,
    maxSeconds: Number.isFinite(raw.maxSeconds) ? raw.maxSeconds : 600,
  };
}

const kinds = (s) => ({
  audio: s.mediaTypes.filter((t) => t.startsWith('audio/')),
  image: s.mediaTypes.filter((t) => t.startsWith('image/')),
  text: s.mediaTypes.includes('text/plain'),
});

/**
 * Why `size` bytes cannot go to this campaign (null when they can), said before anything is sent. The
 * service refuses such a file too (413 FILE_TOO_LARGE), but before it reads the body, so a browser may
 * see only a connection cut mid-upload and nothing of why.
 */
export function tooLarge(size, s) {
  if (size <= s.maxBytes) return null;
  return `This is too large to upload: ${byteSize(size)}, and this campaign takes at most ${byteSize(s.maxBytes)} `
    + `(${s.maxBytes.toLocaleString('en')} bytes) a file. Nothing was sent.`;
}

function clock(ms) {
  const s = Math.max(0, ms) / 1000;
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;
}

/** The recording format to ask MediaRecorder for: one the browser makes and the campaign takes. */
function recordingType(accepted) {
  if (typeof MediaRecorder === 'undefined') return null;
  return ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/ogg']
    .find((t) => accepted.includes(baseType(t)) && MediaRecorder.isTypeSupported(t)) || null;
}

function Recorder({ ctx, disabled, onFile }) {
  const [state, setState] = useState('idle'); // idle | recording
  const [elapsed, setElapsed] = useState(0);
  const [problem, setProblem] = useState(null);
  const rec = useRef(null);
  const type = recordingType(kinds(ctx.settings).audio);

  useEffect(() => () => {
    if (rec.current) rec.current.cancel();
  }, []);

  async function start() {
    setProblem(null);
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      setProblem(`The microphone cannot be used: ${e.message || e.name}. Allow this site to use it and try again.`);
      return;
    }
    const recorder = new MediaRecorder(stream, { mimeType: type });
    const chunks = [];
    const began = performance.now();
    let cancelled = false;
    const timer = setInterval(() => {
      const ms = performance.now() - began;
      setElapsed(ms);
      if (ms >= ctx.settings.maxSeconds * 1000) recorder.stop(); // the campaign takes nothing longer
    }, 100);
    recorder.ondataavailable = (e) => {
      if (e.data.size) chunks.push(e.data);
    };
    recorder.onstop = () => {
      clearInterval(timer);
      stream.getTracks().forEach((t) => t.stop());
      rec.current = null;
      setState('idle');
      if (!cancelled) onFile(new Blob(chunks, { type: baseType(type) }), baseType(type), performance.now() - began);
    };
    rec.current = { stop: () => recorder.state !== 'inactive' && recorder.stop(),
      cancel: () => { cancelled = true; if (recorder.state !== 'inactive') recorder.stop(); } };
    recorder.start(250);
    setElapsed(0);
    setState('recording');
  }

  if (!type) {
    return <p class="message error" role="alert">This browser cannot record in a format this campaign takes ({kinds(ctx.settings).audio.join(', ')}).</p>;
  }
  return (
    <div class="recorder" role="group" aria-label="Record">
      <div class="submit-row">
        {state === 'idle' ? (
          <button type="button" class="primary" disabled={disabled} onClick={start}>Start recording</button>
        ) : (
          <button type="button" class="primary" onClick={() => rec.current && rec.current.stop()}>Stop recording</button>
        )}
        <span class="timer" role="timer" aria-label="Recording time" data-testid="record-timer">
          {state === 'recording' ? '● ' : ''}{clock(elapsed)}
        </span>
      </div>
      <p class="meta">{ctx.settings.minSeconds} to {ctx.settings.maxSeconds} seconds; recording stops by itself at the limit.</p>
      {problem && <p class="message error" role="alert">{problem}</p>}
    </div>
  );
}

function Picture({ ctx, disabled, onFile }) {
  const accept = kinds(ctx.settings).image.join(',');
  const take = (e) => {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = '';
    if (f) onFile(f, baseType(f.type), null, f.name);
  };
  return (
    <div class="picture submit-row" role="group" aria-label="Photo">
      <label class="button-like">
        Take a photo
        <input type="file" class="sr-only" accept={accept} capture="environment" disabled={disabled} onChange={take} data-testid="take-photo" />
      </label>
      <label class="button-like">
        Choose an image
        <input type="file" class="sr-only" accept={accept} disabled={disabled} onChange={take} data-testid="choose-image" />
      </label>
    </div>
  );
}

function Input({ task, ctx, ready, give, edited }) {
  // per task: the file chosen or recorded, its upload, and the text typed
  // problem: why the file cannot be sent, found here; error: the service's refusal or a failed upload
  const [draft, setDraft] = useTaskState(task, { file: null, uploaded: null, progress: null, error: null, problem: null,
    text: '' });
  const k = kinds(ctx.settings);

  useEffect(() => {
    const url = draft.file && draft.file.url;
    return () => { if (url) URL.revokeObjectURL(url); };
  }, [draft.file]);

  function chosen(blob, mediaType, ms, name) {
    edited();
    setDraft((d) => ({ ...d, file: { blob, mediaType, ms, name, url: URL.createObjectURL(blob) }, uploaded: null,
      progress: null, error: null, problem: tooLarge(blob.size, ctx.settings) }));
  }

  async function upload(blob, mediaType) {
    edited();
    const t = task;
    const problem = tooLarge(blob.size, ctx.settings);
    if (problem) {
      setDraft((d) => ({ ...d, problem, error: null, uploaded: null }));
      return;
    }
    setDraft((d) => ({ ...d, progress: 0, error: null, problem: null, uploaded: null }));
    try {
      const reply = await uploadFile(t.campaignId, t.itemId, blob, mediaType,
        (p) => setDraft((d) => ({ ...d, progress: p })));
      setDraft((d) => ({ ...d, uploaded: reply, progress: null }));
    } catch (error) {
      setDraft((d) => ({ ...d, error, progress: null }));
    }
  }

  const f = draft.file;
  const u = draft.uploaded;
  const busy = draft.progress !== null;
  return (
    <div class="upload" data-answer-input>
      {k.audio.length > 0 && <Recorder ctx={ctx} disabled={!ready || busy} onFile={chosen} />}
      {k.image.length > 0 && <Picture ctx={ctx} disabled={!ready || busy} onFile={chosen} />}
      {k.text && (
        <div class="free-text">
          <label for="upload-text">Your text</label>
          <textarea id="upload-text" rows={4} value={draft.text} readOnly={!ready || busy} spellcheck
            onInput={(e) => { const text = e.currentTarget.value; edited(); setDraft((d) => ({ ...d, text, uploaded: null, error: null, problem: null })); }} />
          <div class="submit-row">
            <button type="button" disabled={!ready || busy || !draft.text.trim()}
              onClick={() => upload(new Blob([draft.text], { type: 'text/plain' }), 'text/plain')}>Upload the text</button>
          </div>
        </div>
      )}
      {f && (
        <div class="preview">
          <p class="meta">
            {f.mediaType.startsWith('audio/') ? `Your recording (${clock(f.ms || 0)}, ${byteSize(f.blob.size)}): listen before you send it.`
              : `${f.name || 'Your file'} (${f.mediaType || 'unknown type'}, ${byteSize(f.blob.size)})`}
          </p>
          {f.mediaType.startsWith('audio/') && <audio controls src={f.url} aria-label="Your recording" data-testid="playback" />}
          {f.mediaType.startsWith('image/') && <img class="contributed-image" src={f.url} alt="Your photo" data-testid="photo-preview" />}
          <div class="submit-row">
            <button type="button" disabled={!ready || busy || Boolean(u) || Boolean(draft.problem)}
              onClick={() => upload(f.blob, f.mediaType)}>Upload the file</button>
          </div>
        </div>
      )}
      {busy && <progress max="1" value={draft.progress} aria-label="Upload progress">{Math.round(draft.progress * 100)}%</progress>}
      {(draft.problem || draft.error) && (
        <p class="message error" role="alert" data-testid="upload-error">{draft.problem || errorText(draft.error)}</p>
      )}
      {u && (
        <div class="uploaded" data-testid="uploaded">
          <p class="meta">Uploaded. This is what you sign (the file itself stays off the chain; its hash goes in):</p>
          <dl class="item-fields">
            <div><dt>keccak256</dt><dd><code class="mono" data-testid="keccak">{u.file}</code></dd></div>
            <div><dt>sha256</dt><dd><code class="mono">{u.sha256}</code></dd></div>
            <div><dt>size</dt><dd>{byteSize(u.bytes)} of {u.mediaType}{u.durationSeconds != null ? `, ${u.durationSeconds.toFixed(1)} s` : ''}</dd></div>
          </dl>
          <div class="submit-row">
            <button type="button" class="primary" disabled={!ready} onClick={() => give(u.answer)}>Sign and submit</button>
          </div>
        </div>
      )}
    </div>
  );
}

function what(s) {
  const k = kinds(s);
  const parts = [];
  if (k.audio.length) parts.push(`a recording of ${s.minSeconds} to ${s.maxSeconds} s`);
  if (k.image.length) parts.push('a photo');
  if (k.text) parts.push('a text');
  return parts.join(' or ') || 'a file';
}

export default {
  type: 'upload',
  settings,
  summary: (ctx) => `Contribute ${what(ctx.settings)} (${ctx.settings.mediaTypes.join(', ')}, up to ${byteSize(ctx.settings.maxBytes)}).`,
  hint: () => 'Record, take or write your answer, check it, upload it, then sign and submit.',
  answer(answer) {
    if (typeof answer !== 'string' || !answer.startsWith('{')) throw new AnswerProblem('Upload a file first.');
    return answer;
  },
  shown(answer) {
    try {
      const a = JSON.parse(answer);
      return `${a.mediaType}, ${byteSize(a.bytes)}, ${a.file.slice(0, 10)}…`;
    } catch {
      return answer;
    }
  },
  Input,
};
