-- Quality: aggregated labels of items, gold scores and Dawid-Skene estimates of contributors, and
-- the accepted / rejected decision on every contribution. Written by the aggregation worker
-- (io.labelledger.quality.QualityWorker), never by the submission hot path.

-- label, confidence  the item's aggregated label and its posterior probability; null until the
--                    item has an answer. A gold item's label is its gold answer, confidence 1.
-- decided_at         set when quality stops buying answers for the item (dynamic overlap: its
--                    confidence reached the campaign's target with at least overlap answers, or it
--                    has max_overlap answers; fixed overlap: it has overlap answers; gold: at its
--                    first answer). From then on its contributions are accepted or rejected
--                    against its label; before, they are pending. Never cleared.
alter table items
  add column label      text,
  add column confidence double precision check (confidence >= 0 and confidence <= 1),
  add column decided_at timestamptz,
  add constraint items_label_with_confidence check ((label is null) = (confidence is null));

-- status  pending until the item is decided, then accepted (the answer equals the item's
--         aggregated label, or its gold answer) or rejected; re-evaluated when a re-estimate
--         changes a decided item's label.
-- txid    the inserting transaction (set by the default, nothing for the hot path to do). The
--         aggregation worker reads answers in (txid, id) order, only from transactions older than
--         every transaction still running (pg_snapshot_xmin), so an answer committed late is never
--         skipped, and keeps its place in quality_cursor: taking an answer in writes nothing to it.
alter table contributions
  drop constraint contributions_status_check,
  add constraint contributions_status_check check (status in ('pending', 'accepted', 'rejected')),
  alter column status set default 'pending',
  add column txid xid8 not null default pg_current_xact_id();
-- 'accepted' was a placeholder before quality decided anything: everything stored is re-decided
update contributions set status = 'pending' where status <> 'pending';
create index contributions_txid on contributions (txid, id);

-- How far the aggregation worker has taken answers in: the (txid, id) of the last one. The worker
-- locks this row for its transaction, so one instance takes answers in at a time.
create table quality_cursor (
  name    text primary key,
  txid    xid8 not null,
  last_id bigint not null
);
insert into quality_cursor (name, txid, last_id) values ('aggregation', '0', 0);

-- Per campaign and contributor: the gold record (exact counts, each answer counted once by the
-- worker) and the Dawid-Skene estimates of the last re-estimate that included the contributor.
-- confusion is P(answers l | true k) at [k * K + l] (1-based in SQL), k and l being positions in
-- the campaign's label list (campaign_labels.position), K = the campaign's label count.
create table contributor_quality (
  campaign_id        bigint not null references campaigns (id) on delete cascade,
  contributor        text not null check (contributor ~ '^0x[0-9a-f]{40}$'),
  answers            integer not null default 0 check (answers >= 0),
  gold_seen          integer not null default 0 check (gold_seen >= 0),
  gold_correct       integer not null default 0 check (gold_correct >= 0 and gold_correct <= gold_seen),
  estimated_accuracy double precision check (estimated_accuracy >= 0 and estimated_accuracy <= 1),
  confusion          double precision[],
  estimated_at       timestamptz,
  updated_at         timestamptz not null default now(),
  primary key (campaign_id, contributor)
);
create index contributor_quality_contributor on contributor_quality (contributor, campaign_id);

-- Per campaign: how many answers the worker has taken in, and the model of the last re-estimate
-- (class priors by label position; the answer-weighted mean accuracy of its contributors, which
-- stands in for contributors it has not estimated yet; how many answers it was fitted on).
create table campaign_quality (
  campaign_id        bigint primary key references campaigns (id) on delete cascade,
  answers_aggregated bigint not null default 0 check (answers_aggregated >= 0),
  estimated_answers  bigint not null default 0 check (estimated_answers >= 0),
  prior              double precision[],
  mean_accuracy      double precision check (mean_accuracy >= 0 and mean_accuracy <= 1),
  iterations         integer,
  converged          boolean,
  estimated_at       timestamptz,
  -- an instance re-estimating the campaign claims it here first, so instances do not run the same
  -- re-estimate twice; a claim older than a few minutes is taken over (its instance died)
  reestimating_since timestamptz
);
