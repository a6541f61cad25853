// The labelling desk: one item at a time, the answer input of the campaign's answer type (see
// ../answers: each type brings its input, its keyboard shortcuts and its answer string), the next
// item already leased and shown the moment an answer is given, answers signed and submitted in
// order in the background.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AnswerProblem, answerContext, answerType } from '../answers/index.js';
import { ErrorMessage, errorText } from '../components.jsx';
import { ContributedFileView, isContributedFile } from '../contributed.jsx';
import { plural, percent } from '../format.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { SubmitQueue, TaskFeed } from '../tasks.js';
import { loadStats } from '../work.js';

function Payload({ payload }) {
  if (payload === null || typeof payload !== 'object') {
    return <p class="item-text">{String(payload)}</p>;
  }
  const { text, ...rest } = payload;
  const others = Object.entries(rest);
  return (
    <>
      {typeof text === 'string' && <p class="item-text">{text}</p>}
      {others.length > 0 && (
        <dl class="item-fields">
          {others.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {typeof text !== 'string' && others.length === 0 && <p class="item-text">(empty item)</p>}
    </>
  );
}

/** The labeller of the campaign's answer type, or a message when this page does not know the type. */
export function Labeller({ campaign }) {
  const type = answerType(campaign.taskType);
  if (!type) {
    return (
      <section class="labeller card" aria-labelledby="labeller-title">
        <h2 id="labeller-title">Label</h2>
        <ErrorMessage>This page cannot take answers of the type “{campaign.taskType}” yet. Reload it later: a newer
          version may.</ErrorMessage>
      </section>
    );
  }
  return <TypedLabeller campaign={campaign} type={type} />;
}

function TypedLabeller({ campaign, type }) {
  const { signer } = useStore(session);
  const [task, setTask] = useState(null);
  const [phase, setPhase] = useState('loading'); // loading | ready | waiting | done | error
  const [error, setError] = useState(null);
  const [counts, setCounts] = useState({ given: 0, accepted: 0, rejected: 0, failed: 0 });
  const [waiting, setWaiting] = useState(0);
  const [lastOutcome, setLastOutcome] = useState(null);
  const [failures, setFailures] = useState([]);
  const [stats, setStats] = useState(null);
  const [flash, setFlash] = useState(null);
  const [problem, setProblem] = useState(null);
  const feedRef = useRef(null);
  const queueRef = useRef(null);
  // the task on screen, kept outside render state: two key presses between renders must not answer it twice
  const shownRef = useRef(null);

  function show(t, next) {
    shownRef.current = t;
    setTask(t);
    setPhase(next);
    setProblem(null);
  }

  const ctx = useMemo(() => answerContext(type, campaign, task), [type, campaign, task]);

  function refreshStats() {
    loadStats(campaign.id).then(setStats, () => {});
  }

  useEffect(() => {
    const feed = new TaskFeed(campaign.id, { ahead: 1 });
    const queue = new SubmitQueue(signer, {
      onResult: (r) => {
        setWaiting(r.remaining);
        if (r.ok) {
          const status = r.receipt.status;
          setCounts((c) => ({ ...c, accepted: c.accepted + (status === 'accepted' ? 1 : 0), rejected: c.rejected + (status === 'rejected' ? 1 : 0) }));
          setLastOutcome({ ok: true, text: `Item ${r.task.itemId}: “${type.shown(r.answer)}” submitted (${status}).` });
        } else {
          setCounts((c) => ({ ...c, failed: c.failed + 1 }));
          setFailures((f) => [{ itemId: r.task.itemId, answer: type.shown(r.answer), error: errorText(r.error) }, ...f].slice(0, 5));
          setLastOutcome({ ok: false, text: `Item ${r.task.itemId}: not submitted — ${errorText(r.error)}` });
        }
        if (r.remaining === 0) refreshStats();
      },
    });
    feedRef.current = feed;
    queueRef.current = queue;
    show(null, 'loading');
    feed.next().then((t) => {
      if (!feed.closed) show(t, t ? 'ready' : 'done');
    }, (e) => {
      setError(e);
      show(null, 'error');
    });
    refreshStats();
    return () => feed.close();
  }, [campaign.id, signer, type]);

  function showNext() {
    const feed = feedRef.current;
    const ready = feed.take();
    if (ready) {
      show(ready, 'ready');
      return;
    }
    show(null, 'waiting');
    feed.next().then((t) => {
      if (!feed.closed) show(t, t ? 'ready' : 'done');
    }, (e) => {
      setError(e);
      show(null, 'error');
    });
  }

  /** The input's value for the task on screen: signed and sent as its type's answer string, or refused with a message. */
  function give(value) {
    const current = shownRef.current;
    if (!current) return;
    let answer;
    try {
      answer = type.answer(value, answerContext(type, campaign, current));
    } catch (e) {
      if (!(e instanceof AnswerProblem)) throw e;
      setProblem(e.message);
      return;
    }
    shownRef.current = null;
    setProblem(null);
    queueRef.current.submit(current, answer);
    setWaiting(queueRef.current.size);
    setCounts((c) => ({ ...c, given: c.given + 1 }));
    setFlash(answer);
    showNext();
  }

  useEffect(() => {
    if (!flash) return undefined;
    const t = setTimeout(() => setFlash(null), 400);
    return () => clearTimeout(t);
  }, [flash, counts.given]);

  function retry() {
    setError(null);
    feedRef.current.exhausted = false;
    show(null, 'loading');
    showNext();
  }

  const mineInCampaign = stats ? stats.total : null;
  return (
    <section class="labeller card" aria-labelledby="labeller-title">
      <div class="labeller-head">
        <h2 id="labeller-title">Label</h2>
        <p class="instructions-text">{campaign.instructions}</p>
      </div>

      <div class="progress" role="group" aria-label="Progress">
        <p>
          <strong data-testid="given-count">{counts.given}</strong> labelled now
          {waiting > 0 ? <> · <span>{waiting} being signed and sent</span></> : null}
          {counts.failed > 0 ? <> · <span class="bad">{counts.failed} not accepted</span></> : null}
          {mineInCampaign !== null && <> · {plural(mineInCampaign, 'answer')} in this campaign in all</>}
          {' '}· {plural(campaign.itemCount, 'item')} in the campaign
        </p>
        <GoldSummary stats={stats} />
      </div>

      <div class="item" aria-live="polite" aria-atomic="true" aria-busy={phase === 'loading' || phase === 'waiting'}>
        {phase === 'ready' && task && (
          <div data-item-id={task.itemId}>
            <p class="meta">Item {task.itemId}</p>
            {type.Item ? <type.Item task={task} />
              : isContributedFile(task.payload) ? <ContributedFileView task={task} /> : <Payload payload={task.payload} />}
          </div>
        )}
        {(phase === 'loading' || phase === 'waiting') && <p class="busy">Loading the next item…</p>}
        {phase === 'done' && (
          <div>
            <p class="item-text">Nothing left for you in this campaign right now. Thank you!</p>
            <p class="meta">Items other people hold come back if they do not answer in time.</p>
            <div class="actions">
              <a href="#/work">See your contributions and their status</a>
              <button type="button" class="small" onClick={retry}>Look again</button>
            </div>
          </div>
        )}
        {phase === 'error' && (
          <div>
            <ErrorMessage error={error} />
            <button type="button" onClick={retry}>Try again</button>
          </div>
        )}
      </div>

      <type.Input task={phase === 'ready' ? task : null} ctx={ctx} ready={phase === 'ready' && task !== null}
        give={give} edited={() => setProblem(null)} flash={flash} />
      {problem && <p class="message error" role="alert" data-testid="answer-problem">{problem}</p>}
      <p class="hint">{type.hint(ctx)} Each answer is signed with your key before it is sent.</p>
      <p class="sr-only" role="status" aria-live="polite">{lastOutcome ? lastOutcome.text : ''}</p>
      {lastOutcome && <p class={`outcome ${lastOutcome.ok ? 'ok' : 'bad'}`} aria-hidden="true">{lastOutcome.text}</p>}
      {failures.length > 0 && (
        <details class="failures">
          <summary>{plural(failures.length, 'answer')} not accepted (latest first)</summary>
          <ul>{failures.map((f, i) => <li key={i}>Item {f.itemId} “{f.answer}”: {f.error}</li>)}</ul>
        </details>
      )}
    </section>
  );
}

/** Accuracy on gold items, when the service reports it (else nothing is claimed). */
export function GoldSummary({ stats }) {
  if (!stats || !stats.gold) return null;
  const g = stats.gold;
  if (g.answered === null) {
    return <p class="meta">Accuracy on gold items: <strong>{percent(g.accuracy)}</strong>{g.status ? ` · ${g.status}` : ''}</p>;
  }
  if (!g.answered) return <p class="meta">No gold (check) items answered yet.</p>;
  return (
    <p class="meta">
      Accuracy on gold items: <strong>{percent(g.correct / g.answered)}</strong> ({g.correct} of {g.answered})
      {g.status ? ` · ${g.status}` : ''}
    </p>
  );
}
