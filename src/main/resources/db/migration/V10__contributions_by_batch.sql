-- A batch's contributions in leaf order: what an audit bundle reads, one anchor batch at a time
-- (GET /api/datasets/{id}/audit-bundle), so that serving a dataset of any size never scans the
-- whole contributions table once per batch.
create index contributions_batch on contributions (batch_id, leaf_index) where batch_id is not null;
