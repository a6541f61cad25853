// free_text: a text of at most settings.maxLength characters, typed in a labelled textarea with a
// live count. Enter starts a new line; Ctrl+Enter (⌘+Enter on a Mac) submits. No page shortcut
// fires while the text area has the focus. The answer string is {"text":"..."}, the text exactly
// as typed, as canonical JSON.
import { canonicalJson } from '../canonical.js';
import { AnswerProblem, useTaskState } from './common.js';

function settings(raw) {
  const n = raw.normalize || {};
  return {
    maxLength: Number.isInteger(raw.maxLength) ? raw.maxLength : 1000,
    normalize: { case: n.case === true, whitespace: n.whitespace !== false, punctuation: n.punctuation === true },
  };
}

/**
 * Characters as JSON Schema's maxLength counts them: code points (an emoji is one, where the
 * text area's own maxlength would count two).
 */
export function characters(text) {
  return Array.from(text).length;
}

/** How answers are compared with each other, when the campaign says so. */
function comparison({ normalize: n }) {
  const ignored = [n.case && 'letter case', n.whitespace && 'extra spaces', n.punctuation && 'punctuation'].filter(Boolean);
  if (!ignored.length) return '';
  const list = ignored.length === 1 ? ignored[0] : `${ignored.slice(0, -1).join(', ')} and ${ignored[ignored.length - 1]}`;
  return ` Answers are compared ignoring ${list}.`;
}

function Input({ task, ctx, ready, give, edited }) {
  const [text, setText, current] = useTaskState(task, '');
  const max = ctx.settings.maxLength;
  const n = characters(text);
  const over = n > max;
  return (
    <div class="free-text" data-answer-input>
      <label for="free-text-answer">Your answer</label>
      <textarea id="free-text-answer" rows={4} value={text} readOnly={!ready} aria-describedby="free-text-count free-text-keys"
        aria-invalid={over ? 'true' : undefined} aria-keyshortcuts="Control+Enter Meta+Enter" spellcheck
        onInput={(e) => {
          setText(e.currentTarget.value);
          edited();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.repeat) {
            e.preventDefault();
            if (ready) give(current());
          }
        }} />
      <p id="free-text-count" class={`count text-count${over ? ' bad' : ''}`} data-testid="char-count">
        {n.toLocaleString()} of {max.toLocaleString()} characters{over ? ` — ${(n - max).toLocaleString()} too many` : ''}
      </p>
      <span id="free-text-keys" class="sr-only">Control+Enter or Command+Enter submits.</span>
      <div class="submit-row">
        <button type="button" class="primary" disabled={!ready} onClick={() => give(current())}>
          Submit <kbd aria-hidden="true">Ctrl+Enter</kbd>
        </button>
      </div>
      <p class="sr-only" aria-live="polite">{over ? 'Over the character limit.' : ''}</p>
    </div>
  );
}

export default {
  type: 'free_text',
  settings,
  summary: (ctx) => `A text of up to ${ctx.settings.maxLength.toLocaleString()} characters.${comparison(ctx.settings)}`,
  hint: () => 'Type your answer; Enter starts a new line, Ctrl+Enter (⌘+Enter on a Mac) submits and shows the next item.',
  answer(text, ctx) {
    if (typeof text !== 'string' || !text.trim()) throw new AnswerProblem('Type an answer first.');
    const n = characters(text);
    if (n > ctx.settings.maxLength) {
      throw new AnswerProblem(`An answer has at most ${ctx.settings.maxLength.toLocaleString()} characters; `
        + `this one has ${n.toLocaleString()}.`);
    }
    try {
      return canonicalJson({ text });
    } catch {
      throw new AnswerProblem('The text contains a broken character (an unpaired surrogate); retype it.');
    }
  },
  shown: (answer) => JSON.parse(answer).text,
  Input,
};
