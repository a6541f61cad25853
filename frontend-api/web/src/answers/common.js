// What the answer types share: the refusal they throw for an answer the campaign does not allow,
// per-task input state, and page-wide keyboard shortcuts that stay out of the way of typing and of
// the page's other controls.
import { useEffect, useRef, useState } from 'preact/hooks';

/** An answer the campaign's settings refuse; its message is shown to the contributor as is. */
export class AnswerProblem extends Error {}

export function isTyping(target) {
  if (!target || !target.tagName) return false;
  const tag = target.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || target.isContentEditable) return true;
  // radios and checkboxes take keys of their own (arrows, space) but are not typed into
  return tag === 'input' && !['radio', 'checkbox', 'button', 'submit'].includes(target.type);
}

/**
 * True when `e` happened on a control of the page other than the answer input (a link, the
 * "Withdraw consent" button, ...): Enter, Space and the arrows then keep their usual meaning there.
 */
export function onOtherControl(e) {
  const t = e.target;
  if (!t || !t.closest) return false;
  return Boolean(t.closest('a[href], button, summary, select, input, textarea, [tabindex]:not([tabindex="-1"])'))
    && !t.closest('[data-answer-input]');
}

/**
 * Calls `handler(e, key)` for key presses anywhere on the page, `key` lower-cased, except while
 * typing in a text field, with Alt/Ctrl/Meta held (the browser's and the system's shortcuts), or
 * when an earlier listener took the key. A held-down key repeats only the arrows: holding "3" must
 * not answer item after item. The handler calls e.preventDefault() for the keys it uses.
 */
export function usePageKeys(handler) {
  const current = useRef(handler);
  current.current = handler;
  useEffect(() => {
    function onKey(e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      if (e.repeat && !e.key.startsWith('Arrow')) return;
      current.current(e, e.key.length === 1 ? e.key.toLowerCase() : e.key);
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * Calls `handler()` for Ctrl+Z (⌘+Z on a Mac) anywhere on the page, except while typing in a text
 * field, whose own undo it leaves alone. A held-down key undoes once.
 */
export function useUndoKey(handler) {
  const current = useRef(handler);
  current.current = handler;
  useEffect(() => {
    function onKey(e) {
      if (e.defaultPrevented || e.altKey || e.shiftKey || !(e.ctrlKey || e.metaKey) || isTyping(e.target)) return;
      if (e.key.toLowerCase() !== 'z' || e.repeat) return;
      e.preventDefault();
      current.current();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * State that belongs to one task: it starts from `initial` again whenever another task is shown
 * (the input component itself stays mounted, so a focused control keeps the focus). `get()` reads
 * what was last set even before the next render, so "toggle, toggle, Enter" typed faster than the
 * page renders submits both toggles.
 */
export function useTaskState(task, initial) {
  const id = task ? task.leaseId : null;
  const [, rerender] = useState(0);
  const latest = useRef({ id, value: initial });
  if (latest.current.id !== id) latest.current = { id, value: initial };
  function set(next) {
    const base = latest.current.id === id ? latest.current.value : initial;
    latest.current = { id, value: typeof next === 'function' ? next(base) : next };
    rerender((n) => n + 1);
  }
  return [latest.current.value, set, () => latest.current.value];
}
