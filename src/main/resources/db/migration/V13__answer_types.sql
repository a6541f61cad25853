-- Answer types beyond single choice (io.labelledger.answer.AnswerType). The signed Contribution
-- does not change: its answer is the label for single_choice and the RFC 8785 canonical JSON of the
-- typed answer for the other types, so the contracts and the audit format serve every type.

-- settings  the task type's settings with every default filled in (min/max picks, the rating scale,
--           the text limit and normalisation rules, whether a pair may tie); '{}' for single_choice.
-- Labels (campaign_labels) are declared by single_choice and multi_choice campaigns only.
alter table campaigns
  drop constraint campaigns_task_type_check,
  add constraint campaigns_task_type_check
    check (task_type in ('single_choice', 'multi_choice', 'rating', 'free_text', 'pairwise')),
  add column settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object');

-- answer_key  the answer's match key for gold scoring when it is not the answer itself (free_text:
--             the text normalised by the campaign's rules); null for every other type. A gold answer
--             is right when coalesce(answer_key, answer) = coalesce(gold_key, gold_answer).
-- gold_key    the same for an item's gold answer.
-- items.label holds the aggregate as text: the label for single_choice, the canonical JSON of the
-- aggregated answer for the other types.
alter table contributions add column answer_key text;
alter table items add column gold_key text;
