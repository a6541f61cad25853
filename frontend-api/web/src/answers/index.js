// The answer types the labelling page knows, registered once here, one module each. A type is
//   type          the campaign's taskType on the wire
//   settings(raw, labels)   the campaign's settings with the wire contract's defaults filled in
//   summary(ctx)  what is asked, in one line (campaign pages)
//   hint(ctx)     how to answer with the keyboard
//   Input         the component that takes the answer: {task, ctx, ready, give, edited, flash};
//                 it calls give(value) to answer, edited() when the value changes
//   Item?         how an item's data is shown, when the generic view does not fit
//   answer(value, ctx)  the answer string to sign, or throws AnswerProblem with what to fix
//   shown(answer) an answer string as people read it
// where ctx = {labels, settings} of the campaign. The page holds no switch on the type.
import boxes from './boxes.jsx';
import freeText from './free_text.jsx';
import multiChoice from './multi_choice.jsx';
import pairwise from './pairwise.jsx';
import rating from './rating.jsx';
import singleChoice from './single_choice.jsx';
import spans from './spans.jsx';
import upload from './upload.jsx';

export { AnswerProblem } from './common.js';

const TYPES = new Map([singleChoice, multiChoice, rating, freeText, pairwise, spans, boxes, upload].map((t) => [t.type, t]));

/** The answer type named `taskType` (single_choice when the service names none), or null when this page has none. */
export function answerType(taskType) {
  return TYPES.get(taskType || 'single_choice') || null;
}

/**
 * What a type needs to know of the campaign: its labels and its settings, defaults filled in. The
 * task's own copy (tasks/next carries taskType, labels and settings) wins over the campaign's.
 */
export function answerContext(type, campaign, task) {
  const labels = (task && task.labels && task.labels.length ? task.labels : campaign.labels) || [];
  const raw = (task && task.settings) || campaign.settings || {};
  return { labels, settings: type.settings(raw, labels) };
}

/** What a campaign asks for, in one line (its labels, scale, length...). */
export function askedFor(campaign) {
  const type = answerType(campaign.taskType);
  if (!type) return `Answers of type ${campaign.taskType}, which this page cannot take yet`;
  return type.summary(answerContext(type, campaign, null));
}
