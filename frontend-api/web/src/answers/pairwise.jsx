// pairwise: which of two candidates answers the prompt better. The item is shown as the prompt,
// then candidate A (data.a, on the left) and candidate B (data.b) side by side, stacked on narrow
// screens. Keys 1 or A choose the left one, 2 or B the right one, T a tie when settings.allowTie.
// The answer string is {"choice":"a"|"b"|"tie"} as canonical JSON.
import { canonicalJson } from '../canonical.js';
import { AnswerProblem, usePageKeys } from './common.js';

const CHOICES = [
  { choice: 'a', keys: ['1', 'a'], text: 'A is better' },
  { choice: 'b', keys: ['2', 'b'], text: 'B is better' },
  { choice: 'tie', keys: ['t'], text: 'Tie' },
];

function settings(raw) {
  return { allowTie: raw.allowTie !== false };
}

function choices(ctx) {
  return CHOICES.filter((c) => c.choice !== 'tie' || ctx.settings.allowTie);
}

function textOf(candidate) {
  if (candidate && typeof candidate === 'object') {
    return typeof candidate.text === 'string' ? candidate.text : JSON.stringify(candidate);
  }
  return candidate === undefined ? '' : String(candidate);
}

/** The item: its prompt, then the two candidates. Candidate ids (data.a.id) stay hidden: the comparison is blind. */
function Item({ task }) {
  const data = task.payload && typeof task.payload === 'object' ? task.payload : { prompt: String(task.payload) };
  return (
    <div class="pairwise">
      {typeof data.prompt === 'string' && <p class="item-text prompt">{data.prompt}</p>}
      <div class="candidates">
        {[['a', 'A'], ['b', 'B']].map(([side, name]) => (
          <section key={side} class="candidate" aria-labelledby={`candidate-${side}`} data-candidate={side}>
            <h3 id={`candidate-${side}`}>Candidate {name}</h3>
            <p>{textOf(data[side])}</p>
          </section>
        ))}
      </div>
    </div>
  );
}

function Input({ ctx, ready, give }) {
  const offered = choices(ctx);
  usePageKeys((e, key) => {
    const hit = offered.find((c) => c.keys.includes(key));
    if (hit) {
      e.preventDefault();
      give(hit.choice);
    }
  });
  return (
    <div class="pairwise-choices" role="group" aria-label="Your choice (keyboard shortcuts shown on each)" data-answer-input>
      {offered.map((c) => (
        <button key={c.choice} type="button" class={`label-button choice-${c.choice}`} disabled={!ready}
          aria-keyshortcuts={c.keys.map((k) => k.toUpperCase()).join(' ')} onClick={() => give(c.choice)}>
          <span class="keys" aria-hidden="true">{c.keys.map((k) => <kbd key={k}>{k.toUpperCase()}</kbd>)}</span>
          <span>{c.text}</span>
        </button>
      ))}
    </div>
  );
}

export default {
  type: 'pairwise',
  settings,
  summary: (ctx) => `Compare two candidates: A, B${ctx.settings.allowTie ? ' or a tie' : ''}`,
  hint: (ctx) => `Press 1 or A for candidate A, 2 or B for candidate B${ctx.settings.allowTie ? ', T for a tie' : ''}; `
    + 'the next item appears at once.',
  answer(choice, ctx) {
    if (!choices(ctx).some((c) => c.choice === choice)) {
      throw new AnswerProblem(choice === 'tie' ? 'This campaign does not allow a tie.' : `“${choice}” is not a choice here.`);
    }
    return canonicalJson({ choice });
  },
  shown(answer) {
    const choice = JSON.parse(answer).choice;
    return (CHOICES.find((c) => c.choice === choice) || { text: choice }).text;
  },
  Item,
  Input,
};
