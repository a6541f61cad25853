-- A version's contributions by anchor batch, in leaf order: what an audit bundle reads, one range
-- of contributions of one batch at a time (GET /api/datasets/{id}/audit-bundle), so that serving a
-- dataset of any size never scans the version once per batch. Kept on dataset_contributions
-- (written once, when a version is built) rather than as an index on contributions.batch_id, which
-- would turn every anchoring update of the ingest path from a HOT update into a rewrite of all of
-- the contribution's indexes (see V8).
--   batch_id    the contribution's anchor batch (contributions.batch_id, fixed once set)
--   batch_leaf  its leaf index in that batch's tree (contributions.leaf_index)
alter table dataset_contributions add column batch_id bigint, add column batch_leaf integer;
update dataset_contributions dc set batch_id = c.batch_id, batch_leaf = c.leaf_index
  from contributions c where c.id = dc.contribution_id;
alter table dataset_contributions
  alter column batch_id set not null,
  alter column batch_leaf set not null;
create index dataset_contributions_batch on dataset_contributions (dataset_id, batch_id, batch_leaf);
