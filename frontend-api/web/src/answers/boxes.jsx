// boxes: objects outlined on the item's image ({"image": URL, "width": W, "height": H}), each box
// with one of the campaign's labels. Drag on the image to draw a box (it gets the label picked
// last), drag a box to move it, its handles to resize it. Each box takes the focus (Tab goes from
// box to box; a click focuses it too): the arrows move it by a pixel (Shift: 10), Alt+arrows resize
// it from its bottom-right corner, a label's key (1..9, a..z) or button relabels it, Delete removes
// it, Escape lets it go. "Add a box" puts one in the middle for keyboard use. Ctrl+Z (or the button)
// undoes; Enter submits. Coordinates are whole pixels of the image as the item gives its size,
// whatever size it is shown at, and always inside it. The answer string is
// {"boxes":[{"h":H,"label":"L","w":W,"x":X,"y":Y},...]} sorted by x, y, w, h, then label, as the
// service's BoxesType signs them.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { canonicalJson } from '../canonical.js';
import { plural } from '../format.js';
import { LabelButtons, OtherFields, colourOf, keyRange, labelKeys, useMarks } from './annotation.jsx';
import { AnswerProblem, onOtherControl, usePageKeys, useTaskState, useUndoKey } from './common.js';

const HANDLES = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
/** Pointer travel (CSS pixels) below which a press on the image is a click, not a drag. */
const CLICK_SLOP = 3;

function settings(raw) {
  return {
    maxBoxes: Number.isInteger(raw.maxBoxes) ? raw.maxBoxes : 50,
    minSize: Number.isInteger(raw.minSize) ? raw.minSize : 1,
  };
}

/** Boxes in the order the service signs them: by x, y, w, h, then label (UTF-16 code units). */
export function compareBoxes(a, b) {
  return a.x - b.x || a.y - b.y || a.w - b.w || a.h - b.h || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const sameBox = (a, b) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h && a.label === b.label;
const boxes = (n) => plural(n, 'box', 'boxes');
const describe = (b) => `${b.label}, x ${b.x}, y ${b.y}, ${b.w} × ${b.h} pixels`;

/** The item's image and its size in pixels, or null when the item has none. */
function imageOf(task) {
  const d = task && task.payload;
  if (!d || typeof d !== 'object' || typeof d.image !== 'string') return null;
  if (!Number.isInteger(d.width) || !Number.isInteger(d.height) || d.width < 1 || d.height < 1) return null;
  return { url: d.image, width: d.width, height: d.height, alt: typeof d.alt === 'string' ? d.alt : '' };
}

/** The image pixel under a pointer event, as a real number (not yet rounded or clamped). */
function pointOf(e, stage, img) {
  const r = stage.getBoundingClientRect();
  return { x: (e.clientX - r.left) * img.width / r.width, y: (e.clientY - r.top) * img.height / r.height };
}

/** The box between two points: each corner at the nearest whole pixel, inside the image. */
function spanned(a, b, img) {
  const x0 = Math.round(clamp(Math.min(a.x, b.x), 0, img.width));
  const x1 = Math.round(clamp(Math.max(a.x, b.x), 0, img.width));
  const y0 = Math.round(clamp(Math.min(a.y, b.y), 0, img.height));
  const y1 = Math.round(clamp(Math.max(a.y, b.y), 0, img.height));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** `box` moved by whole pixels, stopped at the image's edges. */
function moved(box, dx, dy, img) {
  return { ...box, x: clamp(box.x + dx, 0, img.width - box.w), y: clamp(box.y + dy, 0, img.height - box.h) };
}

/** `box` with the edges `handle` names (n, e, s, w) moved by whole pixels, never below `min` nor outside the image. */
function resized(box, handle, dx, dy, img, min) {
  let left = box.x;
  let top = box.y;
  let right = box.x + box.w;
  let bottom = box.y + box.h;
  if (handle.includes('w')) left = clamp(left + dx, 0, right - min);
  if (handle.includes('e')) right = clamp(right + dx, left + min, img.width);
  if (handle.includes('n')) top = clamp(top + dy, 0, bottom - min);
  if (handle.includes('s')) bottom = clamp(bottom + dy, top + min, img.height);
  return { ...box, x: left, y: top, w: right - left, h: bottom - top };
}

/** Where a box sits on the stage, in percent of the image (so it follows the image at any size). */
function placed(b, img) {
  return { left: `${(b.x / img.width) * 100}%`, top: `${(b.y / img.height) * 100}%`,
    width: `${(b.w / img.width) * 100}%`, height: `${(b.h / img.height) * 100}%` };
}

function Input({ task, ctx, ready, give, edited }) {
  const img = imageOf(task);
  const { maxBoxes, minSize } = ctx.settings;
  const marks = useMarks(task);
  const [selected, setSelected, getSelected] = useTaskState(task, null);
  const [note, setNote] = useTaskState(task, '');
  const [broken, setBroken] = useState(null);
  const [draft, setDraft] = useState(null);
  const [picked, setPicked] = useState(ctx.labels[0]);
  const label = ctx.labels.includes(picked) ? picked : ctx.labels[0];
  const stageRef = useRef(null);
  const addRef = useRef(null);
  const drag = useRef(null);
  const nextId = useRef(1);
  const focusWanted = useRef(null);
  const list = marks.marks;

  // in the commit of the render that shows the box, not after the next paint: a key pressed right
  // after "Add a box" or a drawing must reach the new box, not the control that had the focus
  useLayoutEffect(() => {
    if (focusWanted.current === null || !stageRef.current) return;
    const el = focusWanted.current === 'stage' ? stageRef.current
      : stageRef.current.querySelector(`[data-box-id="${focusWanted.current}"]`);
    focusWanted.current = null;
    if (el) el.focus({ preventScroll: true });
  });

  function add(box) {
    const now = marks.get();
    if (now.length >= maxBoxes) {
      setNote(`This campaign takes at most ${boxes(maxBoxes)} per image.`);
      return;
    }
    const id = nextId.current++;
    marks.change([...now, { ...box, id }]);
    setSelected(id);
    focusWanted.current = id;
    edited();
    setNote(`Box ${now.length + 1} added: ${describe(box)}.`);
  }

  /** A box of a quarter of the image's sides in its middle (moved on while one is there already). */
  function addMiddle() {
    if (!ready || !img) return;
    const w = Math.min(img.width, Math.max(minSize, Math.round(img.width / 4)));
    const h = Math.min(img.height, Math.max(minSize, Math.round(img.height / 4)));
    let box = { x: Math.floor((img.width - w) / 2), y: Math.floor((img.height - h) / 2), w, h, label };
    for (let i = 0; i < 20 && marks.get().some((b) => sameBox(b, box)); i++) box = moved(box, 10, 10, img);
    add(box);
  }

  function update(id, next, message) {
    marks.change(marks.get().map((b) => (b.id === id ? next : b)));
    edited();
    setNote(message);
  }

  function remove(id) {
    if (!ready) return;
    const now = marks.get();
    const i = now.findIndex((b) => b.id === id);
    if (i < 0) return;
    marks.change(now.filter((b) => b.id !== id));
    setSelected(null);
    const neighbour = now[i + 1] || now[i - 1];
    focusWanted.current = neighbour ? neighbour.id : null;
    if (!neighbour && addRef.current) addRef.current.focus();
    edited();
    setNote(`Box ${i + 1} (${now[i].label}) removed.`);
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

  /** A label key or button: the label of new boxes from now on, and of the selected box. */
  function pick(next) {
    if (!ready) return;
    setPicked(next);
    const box = marks.get().find((b) => b.id === getSelected());
    if (box && box.label !== next) update(box.id, { ...box, label: next }, `Box relabelled: ${describe({ ...box, label: next })}.`);
    else setNote(`New boxes are ${next}.`);
  }

  function onBoxKey(e, id) {
    // the box as last changed, not as last rendered: a key repeated faster than the page renders counts each time
    const box = marks.get().find((b) => b.id === id);
    if (!ready || !img || !box) return;
    const arrow = ARROWS[e.key];
    if (arrow && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      const by = e.shiftKey ? 10 : 1;
      const next = e.altKey ? resized(box, 'se', arrow[0] * by, arrow[1] * by, img, minSize)
        : moved(box, arrow[0] * by, arrow[1] * by, img);
      if (sameBox(next, box)) setNote(e.altKey ? 'The box cannot grow or shrink further that way.' : 'At the edge of the image.');
      else update(box.id, next, `${e.altKey ? 'Resized' : 'Moved'}: ${describe(next)}.`);
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      remove(box.id);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setSelected(null);
      focusWanted.current = 'stage';
      setNote('No box selected.');
    }
  }

  function onPointerDown(e) {
    if (!ready || !img || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const stage = stageRef.current;
    const p = pointOf(e, stage, img);
    const boxEl = e.target.closest('[data-box-id]');
    const handle = e.target.closest('[data-handle]');
    const before = marks.get();
    e.preventDefault();
    stage.setPointerCapture(e.pointerId);
    const from = [e.clientX, e.clientY];
    if (boxEl) {
      const id = Number(boxEl.dataset.boxId);
      setSelected(id);
      boxEl.focus({ preventScroll: true });
      drag.current = { kind: handle ? 'resize' : 'move', handle: handle && handle.dataset.handle, id, start: p,
        box: before.find((b) => b.id === id), before, from };
    } else {
      setSelected(null);
      drag.current = { kind: 'draw', start: p, before, from };
    }
  }

  function onPointerMove(e) {
    const d = drag.current;
    if (!d) return;
    const p = pointOf(e, stageRef.current, img);
    d.moved = d.moved || Math.hypot(e.clientX - d.from[0], e.clientY - d.from[1]) >= CLICK_SLOP;
    if (d.kind === 'draw') {
      if (d.moved) setDraft(spanned(d.start, p, img));
      return;
    }
    const dx = Math.round(p.x - d.start.x);
    const dy = Math.round(p.y - d.start.y);
    const next = d.kind === 'move' ? moved(d.box, dx, dy, img) : resized(d.box, d.handle, dx, dy, img, minSize);
    marks.replace(marks.get().map((b) => (b.id === d.id ? next : b)));
  }

  function onPointerUp(e) {
    const d = drag.current;
    if (!d) return;
    drag.current = null;
    if (d.kind === 'draw') {
      setDraft(null);
      if (!d.moved) {
        setNote('');
        return; // a click on the image lets the selected box go
      }
      const box = spanned(d.start, pointOf(e, stageRef.current, img), img);
      if (box.w < minSize || box.h < minSize) {
        setNote(`Too small: a box is at least ${minSize} × ${minSize} pixels here (that one was ${box.w} × ${box.h}).`);
        return;
      }
      add({ ...box, label });
      return;
    }
    const now = marks.get().find((b) => b.id === d.id);
    if (now && !sameBox(now, d.box)) {
      marks.commit(d.before);
      edited();
      setNote(`${d.kind === 'move' ? 'Moved' : 'Resized'}: ${describe(now)}.`);
    }
  }

  function onPointerCancel() {
    const d = drag.current;
    drag.current = null;
    setDraft(null);
    if (d && d.kind !== 'draw') marks.replace(d.before);
  }

  usePageKeys((e, key) => {
    if (!ready) return;
    if (key === 'Enter') {
      if (onOtherControl(e) || e.target.closest('button')) return;
      e.preventDefault();
      give(marks.get());
      return;
    }
    const hit = labelKeys(ctx).find((l) => l.key && l.key === key);
    if (hit) {
      e.preventDefault();
      pick(hit.label);
    }
  });
  useUndoKey(undo);

  return (
    <div class="boxes" data-answer-input>
      <LabelButtons ctx={ctx} ready={ready} current={label} onPick={pick}
        name="Label of new boxes and of the selected box (keyboard shortcuts shown on each)" />
      {img ? (
        <div ref={stageRef} class="box-stage" tabIndex={-1} role="group" data-testid="box-stage"
          aria-label={`Image, ${img.width} × ${img.height} pixels: drag on it to draw a box`} aria-describedby="boxes-keys"
          style={{ '--img-w': `${img.width}px`, '--img-ar': String(img.width / img.height) }}
          onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp}
          onPointerCancel={onPointerCancel}>
          <img src={img.url} alt={img.alt || 'The image to outline objects in'} draggable={false}
            onError={() => setBroken(img.url)} onLoad={() => setBroken(null)} />
          {list.map((b, i) => (
            <div key={b.id} data-box-id={b.id} class={`box ${colourOf(ctx, b.label)}${b.id === selected ? ' selected' : ''}`}
              tabIndex={ready ? 0 : -1} role="img" aria-roledescription="box" aria-label={`Box ${i + 1}: ${describe(b)}`}
              style={placed(b, img)} onFocus={() => setSelected(b.id)} onKeyDown={(e) => onBoxKey(e, b.id)}>
              <span class="box-tag" aria-hidden="true">{i + 1} · {b.label}</span>
              {b.id === selected && HANDLES.map((h) => <span key={h} class={`handle ${h}`} data-handle={h} aria-hidden="true" />)}
            </div>
          ))}
          {draft && <div class={`box draft ${colourOf(ctx, label)}`} style={placed(draft, img)} aria-hidden="true" />}
        </div>
      ) : task && <p class="message error">This item has no image with its size in pixels to outline.</p>}
      {img && broken === img.url && (
        <p class="message error" role="alert">The image could not be loaded from {hostOf(img.url)}. Boxes can still be
          drawn on its outline; tell the campaign's operator.</p>
      )}
      <p id="boxes-keys" hidden>
        Tab goes from box to box. On a box: arrow keys move it (Shift: 10 pixels), Alt with the arrows resizes it,
        {' '}{keyRange(ctx)} labels it, Delete removes it, Escape lets it go. Control+Z undoes, Enter submits.
      </p>
      {note && <p class="note" role="status" data-testid="annotation-note">{note}</p>}
      {list.length > 0 && (
        <ol class="marks" aria-label="Boxes drawn">
          {list.map((b, i) => (
            <li key={b.id} class={colourOf(ctx, b.label)} data-box={`${b.x},${b.y},${b.w},${b.h},${b.label}`}>
              <span class="swatch" aria-hidden="true" />
              <strong>{i + 1} · {b.label}</strong>
              <span class="mark-text">x {b.x}, y {b.y}, {b.w} × {b.h} px</span>
              <button type="button" class="small" disabled={!ready} aria-label={`Remove box ${i + 1} (${b.label})`}
                onClick={() => remove(b.id)}>Remove</button>
            </li>
          ))}
        </ol>
      )}
      <div class="submit-row">
        <button type="button" class="primary" disabled={!ready} aria-keyshortcuts="Enter" onClick={() => give(marks.get())}>
          {list.length ? `Submit ${boxes(list.length)}` : 'Submit: nothing to outline'} <kbd aria-hidden="true">Enter</kbd>
        </button>
        <button type="button" ref={addRef} disabled={!ready || !img} onClick={addMiddle}>Add a box</button>
        <button type="button" disabled={!ready || !marks.canUndo} aria-keyshortcuts="Control+Z Meta+Z" onClick={undo}>
          Undo <kbd aria-hidden="true">Ctrl+Z</kbd>
        </button>
        <span class="count" data-testid="box-count">{boxes(list.length)} of at most {maxBoxes}</span>
      </div>
    </div>
  );
}

function hostOf(url) {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** The image itself is in the input, where boxes are drawn: here only its size, and any other data. */
function Item({ task }) {
  const img = imageOf(task);
  return (
    <div data-annotation-item>
      <p class="meta">{img ? `An image of ${img.width} × ${img.height} pixels: outline its objects below.` : 'No image.'}</p>
      <OtherFields data={task.payload} omit={['image', 'width', 'height', 'alt']} />
    </div>
  );
}

export default {
  type: 'boxes',
  settings,
  summary: (ctx) => `Outline objects in an image as ${ctx.labels.join(', ')}; up to ${ctx.settings.maxBoxes} boxes per image`,
  hint: (ctx) => 'Drag on the image to draw a box, drag a box to move it or its handles to resize it. Tab to a box: '
    + `the arrow keys move it (Shift: 10 pixels), Alt+arrows resize it, ${keyRange(ctx)} labels it (and the next boxes), `
    + 'Delete removes it. Ctrl+Z undoes; Enter submits.',
  answer(drawn, ctx) {
    if (!Array.isArray(drawn)) throw new AnswerProblem('Draw the boxes first.');
    const { maxBoxes, minSize } = ctx.settings;
    const list = [];
    for (const b of drawn.map(({ x, y, w, h, label }) => ({ h, label, w, x, y })).sort(compareBoxes)) {
      if (![b.x, b.y, b.w, b.h].every(Number.isInteger) || b.x < 0 || b.y < 0) {
        throw new AnswerProblem('A box is whole pixels inside the image.');
      }
      if (b.w < minSize || b.h < minSize) {
        throw new AnswerProblem(`A box is at least ${minSize} × ${minSize} pixels (one is ${b.w} × ${b.h}).`);
      }
      if (!ctx.labels.includes(b.label)) throw new AnswerProblem(`“${b.label}” is not one of this campaign's labels.`);
      const last = list[list.length - 1];
      if (last && compareBoxes(last, b) === 0) continue; // the same box twice is one box
      list.push(b);
    }
    if (list.length > maxBoxes) {
      throw new AnswerProblem(`An answer has at most ${boxes(maxBoxes)}; this one has ${list.length}.`);
    }
    return canonicalJson({ boxes: list });
  },
  shown(answer) {
    const list = JSON.parse(answer).boxes;
    return list.length ? list.map((b) => `${b.label} ${b.w}×${b.h} at ${b.x},${b.y}`).join('; ') : '(no boxes)';
  },
  Item,
  Input,
};
