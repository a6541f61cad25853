-- A version's contributions by anchor batch, in leaf order: what an audit bundle reads, one batch
-- at a time (GET /api/datasets/{id}/audit-bundle), so that serving a dataset of any size never
-- scans the version once per batch. Kept on dataset_contributions (written once, when a version is
-- built) rather than as an index on contributions.batch_id, which would turn every anchoring
-- update of the ingest path from a HOT update into a rewrite of all its indexes (see V8).
alter table dataset_contributions add column batch_id bigint;
update dataset_contributions dc set batch_id = c.batch_id from contributions c where c.id = dc.contribution_id;
alter table dataset_contributions alter column batch_id set not null;
create index dataset_contributions_batch on dataset_contributions (dataset_id, batch_id);
