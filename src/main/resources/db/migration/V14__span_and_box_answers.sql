-- Two annotation types (io.labelledger.answer.spans, io.labelledger.answer.boxes): entities marked in
-- a text and objects outlined on an image. Like the other typed answers, their signed answer is the
-- RFC 8785 canonical JSON of the typed answer, their aggregate (items.label) the canonical JSON of the
-- aggregated spans or boxes, each with its confidence; both declare labels (campaign_labels), the
-- entity or object classes.
alter table campaigns
  drop constraint campaigns_task_type_check,
  add constraint campaigns_task_type_check
    check (task_type in ('single_choice', 'multi_choice', 'rating', 'free_text', 'pairwise', 'spans', 'boxes'));
