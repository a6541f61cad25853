// spans: entities marked in the item's text ({"text": "..."}), each a range of the text with one of
// the campaign's labels. Select with the mouse (whitespace at either end is dropped) or with the
// keyboard: the text takes the focus, the arrows move a caret (Ctrl or Alt: a word; Home, End),
// Shift extends the selection; a label's key (1..9, a..z) or its button marks the selection. A click
// on a marked span, or the caret inside one, selects it: Delete removes it, and where spans may not
// overlap a label key relabels it. Ctrl+Z (or the button) undoes; Enter submits. The answer string
// is {"spans":[{"end":E,"label":"L","start":S},...]}: Unicode code points [S, E) of the text (the
// DOM counts UTF-16 units: an emoji is one code point there but two units), sorted by start, end,
// then label, as the service's SpansType signs them.
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { canonicalJson } from '../canonical.js';
import { plural } from '../format.js';
import { LabelButtons, OtherFields, colourOf, keyRange, labelKeys, useMarks } from './annotation.jsx';
import { AnswerProblem, onOtherControl, usePageKeys, useTaskState, useUndoKey } from './common.js';

function settings(raw) {
  return {
    allowOverlap: raw.allowOverlap === true,
    maxSpans: Number.isInteger(raw.maxSpans) ? raw.maxSpans : 50,
  };
}

/** Spans in the order the service signs them: by start, end, then label (UTF-16 code units, as Java's compareTo). */
export function compareSpans(a, b) {
  return a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

const overlaps = (a, b) => a.start < b.end && b.start < a.end;
const sameRange = (a, b) => a.start === b.start && a.end === b.end;
const WORD = /[\p{L}\p{M}\p{N}_]/u;
const SPACE = /\s/u;

/**
 * The text as Unicode code points (what the answer counts), the UTF-16 offset each starts at (what
 * the DOM counts), and the code point offsets the caret stops at: grapheme boundaries where the
 * browser can tell them (a flag, or a letter with a combining accent, is one step), else every
 * code point.
 */
export function textModel(text) {
  const points = Array.from(text);
  const units = [0];
  for (const p of points) units.push(units[units.length - 1] + p.length);
  let stops;
  if (typeof Intl !== 'undefined' && Intl.Segmenter) {
    stops = [0];
    for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
      stops.push(stops[stops.length - 1] + Array.from(segment).length);
    }
  } else {
    stops = units.map((_, i) => i);
  }
  return { points, units, stops };
}

/** The code point at UTF-16 offset `unit`; inside a surrogate pair, the pair's start (or, with `up`, its end). */
function pointAt(model, unit, up) {
  let lo = 0;
  let hi = model.points.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (model.units[mid] <= unit) lo = mid;
    else hi = mid - 1;
  }
  return model.units[lo] === unit || !up ? lo : lo + 1;
}

/** The next caret stop after `from` (dir 1) or before it (dir -1). */
function step(model, from, dir) {
  const { stops } = model;
  if (dir > 0) return stops.find((s) => s > from) ?? stops[stops.length - 1];
  for (let i = stops.length - 1; i >= 0; i--) if (stops[i] < from) return stops[i];
  return 0;
}

/** The end of the next word (dir 1) or the start of the previous one (dir -1), as text fields move with Ctrl+arrow. */
function wordStep(model, from, dir) {
  const p = model.points;
  let i = from;
  if (dir > 0) {
    while (i < p.length && !WORD.test(p[i])) i++;
    while (i < p.length && WORD.test(p[i])) i++;
  } else {
    while (i > 0 && !WORD.test(p[i - 1])) i--;
    while (i > 0 && WORD.test(p[i - 1])) i--;
  }
  return i;
}

/** The code point offset of DOM position (node, offset) in the text element; before it 0, after it the end. */
function domPoint(el, model, node, offset, up) {
  const range = document.createRange();
  range.selectNodeContents(el);
  let where;
  try {
    where = range.comparePoint(node, offset);
  } catch {
    return null;
  }
  if (where < 0) return 0;
  if (where > 0) return model.points.length;
  // only the text's own characters are text nodes in the element (labels are CSS content), so the
  // length of the text up to the point is its UTF-16 offset in the item's text
  range.setEnd(node, offset);
  return pointAt(model, range.toString().length, up);
}

/** The document's selection as code points of the text, or null when it does not touch the text. */
function readSelection(el, model) {
  const s = document.getSelection();
  if (!s || !s.rangeCount || s.isCollapsed) return null;
  const r = s.getRangeAt(0);
  if (!r.intersectsNode(el)) return null;
  const start = domPoint(el, model, r.startContainer, r.startOffset, false);
  const end = domPoint(el, model, r.endContainer, r.endOffset, true);
  if (start === null || end === null) return null;
  const backward = s.anchorNode === r.endContainer && s.anchorOffset === r.endOffset;
  return { start, end, backward };
}

/** Pieces of the text between every span edge, the selection's ends and the caret, each knowing what covers it. */
function pieces(model, spans, start, end, caret) {
  const n = model.points.length;
  const cuts = new Set([0, n, caret]);
  for (const s of spans) cuts.add(s.start).add(s.end);
  if (start < end) cuts.add(start).add(end);
  const at = [...cuts].filter((c) => c >= 0 && c <= n).sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < at.length; i++) {
    const a = at[i];
    const b = at[i + 1];
    if (a === caret) out.push({ caret: true });
    const covering = spans.filter((s) => s.start <= a && b <= s.end).sort((x, y) => (x.end - x.start) - (y.end - y.start));
    out.push({
      a, b, text: model.points.slice(a, b).join(''), inner: covering[0], depth: covering.length,
      selected: start < end && start <= a && b <= end,
      tags: spans.filter((s) => s.end === b && s.start < b).map((s) => s.label).join(' · '),
    });
  }
  if (caret === n) out.push({ caret: true });
  return out;
}

function Input({ task, ctx, ready, give, edited }) {
  const data = task && task.payload && typeof task.payload === 'object' ? task.payload : null;
  const text = data && typeof data.text === 'string' ? data.text : '';
  const model = useMemo(() => textModel(text), [text]);
  const marks = useMarks(task);
  const [sel, setSel, getSel] = useTaskState(task, { anchor: 0, focus: 0 });
  const [note, setNote] = useTaskState(task, '');
  const textRef = useRef(null);
  // a selection made without a mouse button (touch handles): taken when a label is picked
  const pending = useRef(null);
  const { allowOverlap, maxSpans } = ctx.settings;
  const spans = marks.marks;
  const quote = (s) => model.points.slice(s.start, s.end).join('');

  function select(anchor, focus = anchor) {
    setSel({ anchor, focus });
  }
  function selection() {
    const { anchor, focus } = getSel();
    return { start: Math.min(anchor, focus), end: Math.max(anchor, focus) };
  }

  function takePending() {
    const p = pending.current;
    pending.current = null;
    if (p && p.leaseId === (task && task.leaseId)) {
      select(p.anchor, p.focus);
      document.getSelection().removeAllRanges();
    }
  }

  function mark(label) {
    if (!ready) return;
    takePending();
    const { start, end } = selection();
    if (start === end) {
      setNote('Select some text first, then pick its label.');
      return;
    }
    const span = { start, end, label };
    const now = marks.get();
    if (now.some((s) => sameRange(s, span) && s.label === label)) {
      setNote(`“${quote(span)}” is already marked ${label}.`);
      return;
    }
    // where spans may not overlap, a label given to exactly a marked range relabels it
    const kept = allowOverlap ? now : now.filter((s) => !sameRange(s, span));
    const clash = allowOverlap ? null : kept.find((s) => overlaps(s, span));
    if (clash) {
      setNote(`“${quote(span)}” overlaps “${quote(clash)}” (${clash.label}), and spans may not overlap in this campaign: `
        + 'remove that one first.');
      return;
    }
    if (kept.length >= maxSpans) {
      setNote(`This campaign takes at most ${plural(maxSpans, 'span')} per item.`);
      return;
    }
    marks.change([...kept, span].sort(compareSpans));
    select(end);
    edited();
    setNote(`Marked “${quote(span)}” as ${label}${kept.length < now.length ? ' (relabelled)' : ''}.`);
  }

  function remove(span) {
    if (!ready) return;
    marks.change(marks.get().filter((s) => s !== span));
    edited();
    setNote(`Removed “${quote(span)}” (${span.label}).`);
  }

  function undo() {
    if (!ready) return;
    if (marks.undo()) {
      edited();
      setNote('Undone.');
    } else {
      setNote('Nothing to undo.');
    }
  }

  /** The innermost marked span holding the selection (or the caret), for Delete. */
  function spanAtSelection() {
    const { start, end } = selection();
    const holding = marks.get().filter((s) => (start === end ? s.start <= start && start < s.end
      : s.start <= start && end <= s.end));
    return holding.sort((a, b) => (a.end - a.start) - (b.end - b.start))[0] || null;
  }

  function onKeyDown(e) {
    if (!ready || e.metaKey) return;
    const { anchor, focus } = getSel();
    const word = e.ctrlKey || e.altKey;
    let to = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const dir = e.key === 'ArrowRight' ? 1 : -1;
      // without Shift an arrow first collapses a selection to its side, as in a text field
      if (!e.shiftKey && !word && anchor !== focus) to = dir > 0 ? Math.max(anchor, focus) : Math.min(anchor, focus);
      else to = word ? wordStep(model, focus, dir) : step(model, focus, dir);
    } else if (e.key === 'Home') {
      to = 0;
    } else if (e.key === 'End') {
      to = model.points.length;
    } else if (e.key === 'Escape' && anchor !== focus) {
      e.preventDefault();
      select(focus);
      return;
    }
    if (to === null) return;
    e.preventDefault();
    select(e.shiftKey ? anchor : to, to);
  }

  // mouse selections end on a mouseup anywhere (a drag may leave the text); the handlers are read
  // through a ref, so the listeners added once see this render's task and text
  const handlers = useRef(null);
  handlers.current = {
    up(e) {
      const el = textRef.current;
      if (!el || !ready) return;
      const read = readSelection(el, model);
      if (read) {
        let { start, end } = read;
        while (start < end && SPACE.test(model.points[start])) start++;
        while (end > start && SPACE.test(model.points[end - 1])) end--;
        pending.current = null;
        document.getSelection().removeAllRanges();
        if (start === end) return;
        if (read.backward) select(end, start);
        else select(start, end);
        el.focus({ preventScroll: true });
        return;
      }
      if (!el.contains(e.target)) return;
      // a click: on a marked span it selects the innermost span there, elsewhere it puts the caret there
      const piece = e.target.closest('[data-start]');
      if (piece && piece.classList.contains('marked')) {
        const a = Number(piece.dataset.start);
        const b = Number(piece.dataset.end);
        const hit = marks.get().filter((s) => s.start <= a && b <= s.end)
          .sort((x, y) => (x.end - x.start) - (y.end - y.start))[0];
        if (hit) {
          select(hit.start, hit.end);
          setNote(`Selected “${quote(hit)}” (${hit.label}): Delete removes it${allowOverlap ? '' : ', a label key relabels it'}.`);
          return;
        }
      }
      const s = document.getSelection();
      const at = s && s.rangeCount ? domPoint(el, model, s.focusNode, s.focusOffset, false) : null;
      if (at !== null) select(at);
    },
    change() {
      const el = textRef.current;
      const read = el && readSelection(el, model);
      if (read && read.start < read.end) {
        pending.current = { leaseId: task && task.leaseId, anchor: read.backward ? read.end : read.start,
          focus: read.backward ? read.start : read.end };
      }
    },
  };
  useEffect(() => {
    const up = (e) => handlers.current.up(e);
    const change = () => handlers.current.change();
    document.addEventListener('mouseup', up);
    document.addEventListener('selectionchange', change);
    return () => {
      document.removeEventListener('mouseup', up);
      document.removeEventListener('selectionchange', change);
    };
  }, []);

  usePageKeys((e, key) => {
    if (!ready) return;
    if (key === 'Enter') {
      if (onOtherControl(e) || e.target.closest('button')) return;
      e.preventDefault();
      give(marks.get());
      return;
    }
    if (key === 'Delete' || key === 'Backspace') {
      if (onOtherControl(e)) return;
      e.preventDefault();
      const span = spanAtSelection();
      if (span) remove(span);
      else setNote('The selection is not in a marked span: nothing to remove.');
      return;
    }
    const hit = labelKeys(ctx).find((l) => l.key && l.key === key);
    if (hit) {
      e.preventDefault();
      mark(hit.label);
    }
  });
  useUndoKey(undo);

  const { start, end } = { start: Math.min(sel.anchor, sel.focus), end: Math.max(sel.anchor, sel.focus) };
  const chosen = start < end ? model.points.slice(start, end).join('') : '';
  return (
    <div class="spans" data-answer-input>
      <LabelButtons ctx={ctx} ready={ready} onPick={mark} name="Label the selected text (keyboard shortcuts shown on each)" />
      <div ref={textRef} class="spans-text item-text" tabIndex={ready ? 0 : -1} role="textbox" aria-readonly="true"
        aria-multiline="true" aria-label="Text to mark" aria-describedby="spans-selection spans-keys" data-testid="spans-text"
        onKeyDown={onKeyDown}>
        {pieces(model, spans, start, end, sel.focus).map((p, i) => (p.caret
          ? <span key={`caret-${i}`} class="caret" aria-hidden="true" />
          : (
            <span key={`${p.a}-${p.b}`} data-start={p.a} data-end={p.b} data-tags={p.tags || undefined}
              class={[p.inner && `marked ${colourOf(ctx, p.inner.label)}`, p.depth > 1 && 'stacked', p.selected && 'chosen']
                .filter(Boolean).join(' ') || undefined}>
              {p.text}
            </span>
          )))}
      </div>
      <p id="spans-selection" class="meta selection" aria-live="polite" data-testid="spans-selection">
        {chosen ? `Selected: “${chosen}” (${plural(end - start, 'character')})` : 'Nothing selected.'}
      </p>
      <p id="spans-keys" hidden>
        Arrow keys move the caret, Shift with them selects, Control or Alt moves by word; {keyRange(ctx)} labels the
        selection, Delete removes the span at the caret, Control+Z undoes, Enter submits.
      </p>
      {note && <p class="note" role="status" data-testid="annotation-note">{note}</p>}
      {spans.length > 0 && (
        <ol class="marks" aria-label="Marked spans">
          {spans.map((s) => (
            <li key={`${s.start}-${s.end}-${s.label}`} class={colourOf(ctx, s.label)} data-span={`${s.start}-${s.end}-${s.label}`}>
              <span class="swatch" aria-hidden="true" />
              <strong>{s.label}</strong>
              <span class="mark-text">“{quote(s)}”</span>
              <button type="button" class="small" disabled={!ready} aria-label={`Remove “${quote(s)}” (${s.label})`}
                onClick={() => remove(s)}>Remove</button>
            </li>
          ))}
        </ol>
      )}
      <div class="submit-row">
        <button type="button" class="primary" disabled={!ready} aria-keyshortcuts="Enter" onClick={() => give(marks.get())}>
          {spans.length ? `Submit ${plural(spans.length, 'span')}` : 'Submit: nothing to mark'} <kbd aria-hidden="true">Enter</kbd>
        </button>
        <button type="button" disabled={!ready || !marks.canUndo} aria-keyshortcuts="Control+Z Meta+Z" onClick={undo}>
          Undo <kbd aria-hidden="true">Ctrl+Z</kbd>
        </button>
        <span class="count" data-testid="span-count">{plural(spans.length, 'span')} of at most {maxSpans}</span>
      </div>
    </div>
  );
}

/** The text itself is in the input, where it is marked: here only a line saying so, and any other data. */
function Item({ task }) {
  const text = task.payload && typeof task.payload.text === 'string' ? task.payload.text : '';
  return (
    <div data-annotation-item>
      <p class="meta">A text of {plural(Array.from(text).length, 'character')}: mark its spans below.</p>
      <OtherFields data={task.payload} omit={['text']} />
    </div>
  );
}

export default {
  type: 'spans',
  settings,
  summary: (ctx) => `Mark spans of a text as ${ctx.labels.join(', ')}; up to ${ctx.settings.maxSpans} per item`
    + `${ctx.settings.allowOverlap ? ', which may overlap' : ', none overlapping'}`,
  hint: (ctx) => 'Select text with the mouse, or Tab to the text and move with the arrow keys (Ctrl or Alt: by word; '
    + `Home, End), holding Shift to select; press ${keyRange(ctx)} (or click a label) to mark the selection. `
    + 'Click a span, or put the caret in it, and press Delete to remove it; Ctrl+Z undoes; Enter submits.',
  answer(spans, ctx) {
    if (!Array.isArray(spans)) throw new AnswerProblem('Mark the spans first.');
    const { allowOverlap, maxSpans } = ctx.settings;
    const list = [];
    for (const s of [...spans].sort(compareSpans)) {
      if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end <= s.start) {
        throw new AnswerProblem(`A span runs from one character to a later one (not ${s.start}–${s.end}).`);
      }
      if (!ctx.labels.includes(s.label)) throw new AnswerProblem(`“${s.label}” is not one of this campaign's labels.`);
      const last = list[list.length - 1];
      if (last && compareSpans(last, s) === 0) continue; // the same span twice is one span
      list.push({ end: s.end, label: s.label, start: s.start });
    }
    if (list.length > maxSpans) {
      throw new AnswerProblem(`An answer has at most ${plural(maxSpans, 'span')}; this one has ${list.length}.`);
    }
    if (!allowOverlap) {
      let reach = null;
      for (const s of list) {
        if (reach && s.start < reach.end) {
          throw new AnswerProblem(`Spans may not overlap in this campaign (${reach.start}–${reach.end} and ${s.start}–${s.end}).`);
        }
        if (!reach || s.end > reach.end) reach = s;
      }
    }
    return canonicalJson({ spans: list });
  },
  shown(answer) {
    const spans = JSON.parse(answer).spans;
    return spans.length ? spans.map((s) => `${s.label} ${s.start}–${s.end}`).join(', ') : '(no spans)';
  },
  Item,
  Input,
};
