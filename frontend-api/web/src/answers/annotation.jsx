// What the two annotation types (spans, boxes) share: the labels with their keys and colours, a
// list of marks with an undo history that belongs to one task, the label buttons, and the item's
// data beyond the text or image the type shows itself.
import { shortcutFor } from '../format.js';
import { useTaskState } from './common.js';

/** Colours cycle after this many labels (styles.css has .c0 .. .c7). */
const COLOURS = 8;
/** Undo steps kept per task. */
const HISTORY = 200;

/** The campaign's labels, each with its keyboard shortcut (1..9, a..z, or none) and colour class. */
export function labelKeys(ctx) {
  return ctx.labels.map((label, i) => ({ label, key: shortcutFor(i), colour: `c${i % COLOURS}` }));
}

export function colourOf(ctx, label) {
  const i = ctx.labels.indexOf(label);
  return `c${(i < 0 ? 0 : i) % COLOURS}`;
}

/** "1–3" for the keys of the labels (or "1" for one). */
export function keyRange(ctx) {
  const keys = labelKeys(ctx).map((l) => l.key).filter(Boolean);
  return keys.length > 1 ? `${keys[0]}–${keys[keys.length - 1]}` : '1';
}

/**
 * The marks of one task and what they were before each change. `change(next)` records a step;
 * `replace(next)` changes without one (a drag under way, which records its start once it ends with
 * `commit(before)`); `undo()` steps back. `get()` reads the latest, even before the next render.
 */
export function useMarks(task) {
  const [state, setState, get] = useTaskState(task, { marks: [], undo: [] });
  return {
    marks: state.marks,
    canUndo: state.undo.length > 0,
    get: () => get().marks,
    change(next) {
      setState((s) => ({ marks: next, undo: [...s.undo, s.marks].slice(-HISTORY) }));
    },
    replace(next) {
      setState((s) => ({ marks: next, undo: s.undo }));
    },
    commit(before) {
      setState((s) => ({ marks: s.marks, undo: [...s.undo, before].slice(-HISTORY) }));
    },
    /** Steps back once; false when there is nothing to undo. */
    undo() {
      const s = get();
      if (!s.undo.length) return false;
      setState({ marks: s.undo[s.undo.length - 1], undo: s.undo.slice(0, -1) });
      return true;
    },
  };
}

/**
 * One button per label with its key and colour. `current` (optional) is shown pressed: the label
 * the next mark gets.
 */
export function LabelButtons({ ctx, ready, current, onPick, name }) {
  return (
    <div class="labels annotation-labels" role="group" aria-label={name}>
      {labelKeys(ctx).map(({ label, key, colour }) => (
        <button key={label} type="button" class={`label-button tag ${colour}`} disabled={!ready}
          aria-keyshortcuts={key || undefined} aria-pressed={current === undefined ? undefined : String(current === label)}
          onClick={() => onPick(label)}>
          <span class="swatch" aria-hidden="true" />
          {key && <kbd aria-hidden="true">{key}</kbd>}
          <span>{label}</span>
        </button>
      ))}
    </div>
  );
}

/** The item's data members other than those the type shows itself (`omit`), as name and value. */
export function OtherFields({ data, omit }) {
  if (!data || typeof data !== 'object') return null;
  const others = Object.entries(data).filter(([k]) => !omit.includes(k));
  if (!others.length) return null;
  return (
    <dl class="item-fields">
      {others.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
