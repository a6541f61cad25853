// multi_choice: any number of the campaign's labels between settings.minPicks and .maxPicks.
// Toggles (aria-pressed) with the single-choice shortcuts (1..9, a..z) to flip them; Enter
// submits. The answer string is {"labels":[...]}: the picks without repeats, sorted by UTF-16
// code units, as canonical JSON.
import { canonicalJson, sortedSet } from '../canonical.js';
import { plural, shortcutFor } from '../format.js';
import { AnswerProblem, onOtherControl, usePageKeys, useTaskState } from './common.js';

function settings(raw, labels) {
  const minPicks = Number.isInteger(raw.minPicks) ? raw.minPicks : 0;
  const maxPicks = Number.isInteger(raw.maxPicks) ? raw.maxPicks : labels.length;
  return { minPicks, maxPicks };
}

/** What the settings allow, in words: "Pick 1 to 3 labels." */
function rule({ minPicks: min, maxPicks: max }, count) {
  if (min === max) return `Pick exactly ${plural(min, 'label')}.`;
  if (min === 0 && max >= count) return 'Pick every label that applies, or none.';
  if (min === 0) return `Pick up to ${plural(max, 'label')}, or none.`;
  if (max >= count) return `Pick at least ${plural(min, 'label')}.`;
  return `Pick ${min} to ${plural(max, 'label')}.`;
}

function Input({ task, ctx, ready, give, edited }) {
  const [picked, setPicked, currentPicks] = useTaskState(task, []);
  const { minPicks, maxPicks } = ctx.settings;
  const shortcuts = ctx.labels.map((label, i) => ({ label, key: shortcutFor(i) }));

  function toggle(label) {
    if (!ready) return;
    setPicked((p) => (p.includes(label) ? p.filter((l) => l !== label) : [...p, label]));
    edited();
  }
  usePageKeys((e, key) => {
    if (key === 'Enter') {
      if (onOtherControl(e)) return;
      e.preventDefault();
      if (ready) give(currentPicks());
      return;
    }
    const hit = shortcuts.find((s) => s.key && s.key === key);
    if (hit) {
      e.preventDefault();
      toggle(hit.label);
    }
  });

  // red only once there are too many: too few is where every item starts
  const tooMany = picked.length > maxPicks;
  return (
    <div class="multi" data-answer-input>
      <p id="multi-rule" class="pick-rule">{rule(ctx.settings, ctx.labels.length)}</p>
      <div class="labels" role="group" aria-label="Labels to pick (keyboard shortcuts shown on each)"
        aria-describedby="multi-rule">
        {shortcuts.map(({ label, key }) => {
          const on = picked.includes(label);
          return (
            <button key={label} type="button" class={`label-button tag${on ? ' on' : ''}`} aria-pressed={on ? 'true' : 'false'}
              disabled={!ready} aria-keyshortcuts={key || undefined} onClick={() => toggle(label)}>
              {key && <kbd aria-hidden="true">{key}</kbd>}
              <span>{label}</span>
              <span class="tick" aria-hidden="true">{on ? '✓' : ''}</span>
            </button>
          );
        })}
      </div>
      <div class="submit-row">
        <button type="button" class="primary" disabled={!ready} aria-keyshortcuts="Enter"
          onClick={() => give(currentPicks())}>
          {picked.length ? `Submit ${plural(picked.length, 'label')}` : 'Submit'} <kbd aria-hidden="true">Enter</kbd>
        </button>
        <span class={`count${tooMany ? ' bad' : ''}`} data-testid="pick-count">
          {plural(picked.length, 'label')} picked{tooMany ? ` (at most ${maxPicks})` : ''}
        </span>
      </div>
    </div>
  );
}

export default {
  type: 'multi_choice',
  settings,
  summary: (ctx) => `${rule(ctx.settings, ctx.labels.length)} Labels: ${ctx.labels.join(', ')}`,
  hint(ctx) {
    const keys = ctx.labels.map((_, i) => shortcutFor(i)).filter(Boolean);
    return `Press ${keys.length > 1 ? `${keys[0]}–${keys[keys.length - 1]}` : '1'} to pick or drop a label, `
      + 'Enter to submit; the next item appears at once.';
  },
  answer(picks, ctx) {
    const labels = sortedSet(picks);
    const unknown = labels.find((l) => !ctx.labels.includes(l));
    if (unknown !== undefined) throw new AnswerProblem(`“${unknown}” is not one of this campaign's labels.`);
    const { minPicks, maxPicks } = ctx.settings;
    if (labels.length < minPicks) {
      throw new AnswerProblem(`Pick at least ${plural(minPicks, 'label')} (you picked ${labels.length}).`);
    }
    if (labels.length > maxPicks) {
      throw new AnswerProblem(`Pick at most ${plural(maxPicks, 'label')} (you picked ${labels.length}).`);
    }
    return canonicalJson({ labels });
  },
  shown(answer) {
    const labels = JSON.parse(answer).labels;
    return labels.length ? labels.join(', ') : '(no label)';
  },
  Input,
};
