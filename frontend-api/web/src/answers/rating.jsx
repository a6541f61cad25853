// rating: one whole number from settings.min to settings.max, the ends named by .minLabel and
// .maxLabel. A group of radio buttons (so screen readers announce "2 of 5" and arrows move as in
// any radio group); digit keys pick, left and right move the choice from anywhere on the page,
// Enter submits. The answer string is {"rating":n} as canonical JSON.
import { useRef } from 'preact/hooks';
import { canonicalJson } from '../canonical.js';
import { AnswerProblem, onOtherControl, usePageKeys, useTaskState } from './common.js';

function settings(raw) {
  const min = Number.isInteger(raw.min) ? raw.min : 1;
  const max = Number.isInteger(raw.max) ? raw.max : 5;
  return { min, max, minLabel: raw.minLabel || '', maxLabel: raw.maxLabel || '' };
}

function points({ min, max }) {
  const out = [];
  for (let v = min; v <= max; v++) out.push(v);
  return out;
}

/**
 * The key that picks `value`: the digit itself when every point is 0..9, "0" for the 10 of a
 * scale from 1 (or more) to 10; for any other scale of at most ten points, the point's position
 * (1..9, then 0). Wider scales use the arrows.
 */
export function ratingKey(value, s) {
  if (s.min >= 0 && s.max <= 9) return String(value);
  if (s.min >= 1 && s.max === 10) return String(value % 10);
  if (s.max - s.min < 10) return String((value - s.min + 1) % 10);
  return null;
}

function ends(s) {
  const named = (v, label) => (label ? `${v} (${label})` : String(v));
  return `from ${named(s.min, s.minLabel)} to ${named(s.max, s.maxLabel)}`;
}

function Input({ task, ctx, ready, give, edited }) {
  const s = ctx.settings;
  const [value, setValue, current] = useTaskState(task, null);
  const all = points(s);
  const group = useRef(null);

  function pick(v) {
    if (!ready) return;
    const clamped = Math.min(s.max, Math.max(s.min, v));
    setValue(clamped);
    edited();
    // a key picks a point while the focus is in the group: the focus follows the choice, as the
    // arrows would have moved it, at once (not after the next paint) so that an arrow pressed
    // right after the digit starts from the new point
    const el = group.current;
    if (el && el.contains(document.activeElement)) {
      const radio = el.querySelector(`input[value="${clamped}"]`);
      if (radio && radio !== document.activeElement) radio.focus();
    }
  }
  usePageKeys((e, key) => {
    if (key === 'Enter') {
      if (onOtherControl(e)) return;
      e.preventDefault();
      if (ready) give(current());
      return;
    }
    if (key === 'ArrowLeft' || key === 'ArrowRight') {
      // on a radio the browser moves the choice itself (all four arrows); elsewhere only left and
      // right, when no other control has the key: up and down still scroll the page
      if (e.target.type === 'radio' || onOtherControl(e)) return;
      const step = key === 'ArrowRight' ? 1 : -1;
      e.preventDefault();
      const now = current();
      pick(now === null ? (step > 0 ? s.min : s.max) : now + step);
      return;
    }
    const hit = all.find((v) => ratingKey(v, s) === key);
    if (hit !== undefined) {
      e.preventDefault();
      pick(hit);
    }
  });

  return (
    <div class="rating" data-answer-input>
      <fieldset class="scale">
        {/* with named ends shown above the points, the range is said to screen readers only (whole:
            a hidden span beside visible text would put a space before its comma in the name) */}
        {s.minLabel || s.maxLabel ? (
          <legend><span aria-hidden="true">Your rating</span><span class="sr-only">Your rating, {ends(s)}</span></legend>
        ) : <legend>Your rating, {ends(s)}</legend>}
        {(s.minLabel || s.maxLabel) && (
          <div class="scale-ends" aria-hidden="true">
            <span>{s.min} · {s.minLabel}</span>
            <span>{s.maxLabel} · {s.max}</span>
          </div>
        )}
        <div class="scale-points" ref={group}>
          {all.map((v) => {
            const key = ratingKey(v, s);
            const end = v === s.min ? s.minLabel : v === s.max ? s.maxLabel : '';
            const name = end ? `${v} (${end})` : String(v);
            return (
              <label key={v} class={`scale-point${value === v ? ' on' : ''}`}>
                <input type="radio" name="rating" value={v} checked={value === v} aria-label={name}
                  aria-disabled={ready ? undefined : 'true'} aria-keyshortcuts={key || undefined}
                  onChange={() => pick(v)} />
                <span class="value" aria-hidden="true">{v}</span>
                {key !== null && key !== String(v) && <kbd aria-hidden="true">{key}</kbd>}
              </label>
            );
          })}
        </div>
      </fieldset>
      <div class="submit-row">
        <button type="button" class="primary" disabled={!ready} aria-keyshortcuts="Enter" onClick={() => give(current())}>
          {value === null ? 'Submit rating' : `Submit ${value}`} <kbd aria-hidden="true">Enter</kbd>
        </button>
      </div>
    </div>
  );
}

export default {
  type: 'rating',
  settings,
  summary: (ctx) => `A rating ${ends(ctx.settings)}`,
  hint(ctx) {
    const s = ctx.settings;
    const keys = points(s).map((v) => ratingKey(v, s)).filter((k) => k !== null);
    const digits = keys.length ? `Press ${keys[0]}–${keys[keys.length - 1]} or the arrow keys to pick`
      : 'Use the arrow keys to pick';
    return `${digits}, Enter to submit; the next item appears at once.`;
  },
  answer(rating, ctx) {
    const { min, max } = ctx.settings;
    if (rating === null || rating === undefined) throw new AnswerProblem('Pick a rating first.');
    if (!Number.isInteger(rating) || rating < min || rating > max) {
      throw new AnswerProblem(`A rating is a whole number from ${min} to ${max}.`);
    }
    return canonicalJson({ rating });
  },
  shown: (answer) => String(JSON.parse(answer).rating),
  Input,
};
