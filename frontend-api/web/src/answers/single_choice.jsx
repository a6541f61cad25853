// single_choice: one label of the campaign's list, a button each with its shortcut (1..9, then
// a..z). The answer string is the label itself, not JSON.
import { shortcutFor } from '../format.js';
import { AnswerProblem, usePageKeys } from './common.js';

function Input({ ctx, ready, give, flash }) {
  const shortcuts = ctx.labels.map((label, i) => ({ label, key: shortcutFor(i) }));
  usePageKeys((e, key) => {
    const hit = shortcuts.find((s) => s.key && s.key === key);
    if (hit) {
      e.preventDefault();
      give(hit.label);
    }
  });
  return (
    <div class="labels" role="group" aria-label="Labels (keyboard shortcuts shown on each)" data-answer-input>
      {shortcuts.map(({ label, key }) => (
        <button key={label} type="button" class={`label-button${flash === label ? ' flash' : ''}`}
          disabled={!ready} aria-keyshortcuts={key || undefined} onClick={() => give(label)}>
          {key && <kbd aria-hidden="true">{key}</kbd>}
          <span>{label}</span>
        </button>
      ))}
    </div>
  );
}

export default {
  type: 'single_choice',
  settings: () => ({}),
  summary: (ctx) => `One label of: ${ctx.labels.join(', ')}`,
  hint(ctx) {
    const keys = ctx.labels.map((_, i) => shortcutFor(i)).filter(Boolean);
    return `Press ${keys.length > 1 ? `${keys[0]}–${keys[keys.length - 1]}` : '1'} to answer; the next item appears at once.`;
  },
  answer(label, ctx) {
    if (!ctx.labels.includes(label)) throw new AnswerProblem(`“${label}” is not one of this campaign's labels.`);
    return label;
  },
  shown: (answer) => answer,
  Input,
};
