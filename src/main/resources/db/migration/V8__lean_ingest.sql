-- The ingest path writes each contribution once and rewrites it at most twice later (the anchorer
-- sets batch_id/leaf_index, quality sets status). This migration makes those rewrites cheap and
-- takes per-row work the acceptance statement already does off the insert.

-- 1. Later rewrites as HOT updates (a new row version on the same page, no index touched): no
--    index may cover or filter on the columns they change, and pages need room for the new
--    version. The anchorer's queue was a partial index on batch_id (which made every anchoring
--    update rewrite all seven indexes); it now follows a cursor in (txid, id) order, as the
--    aggregation worker does, over the existing contributions_txid index.
drop index contributions_unbatched;
alter table contributions set (fillfactor = 50);

-- How far the anchorer has put contributions in batches: the (txid, id) of the last one taken.
-- It only moves over transactions older than every running one, so no contribution can still
-- commit behind it. Moved in the transaction that creates the batch and sets batch_id, so
-- membership and cursor commit together. On an existing database it starts just before the first
-- contribution still waiting (batch_id is null is still required of every row it takes, so a
-- batched row past the cursor is skipped, never taken twice).
create table anchor_cursor (
  name    text primary key,
  txid    xid8 not null,
  last_id bigint not null
);
with first_waiting as (select txid, id from contributions where batch_id is null order by txid, id limit 1),
     start as (
       select c.txid, c.id from contributions c
       where not exists (select 1 from first_waiting) or (c.txid, c.id) < (select txid, id from first_waiting)
       order by c.txid desc, c.id desc limit 1)
insert into anchor_cursor (name, txid, last_id)
select 'anchor', coalesce((select txid from start), '0'), coalesce((select id from start), 0);

-- Contributions the anchorer's cursor moved past because they were signed after the chain's latest
-- block time (an anchor must not predate a signature it covers): each waits here, few at a time,
-- until a block is late enough, and leaves in the transaction that batches it.
create table anchor_deferred (
  contribution_id bigint primary key references contributions (id),
  submitted_at    bigint not null
);

-- 2. The campaign foreign key made every inserted contribution take a KEY SHARE lock on its
--    campaign's row: one row shared by every concurrent insert of the campaign, so each commit
--    group turned it into a new MultiXact. The acceptance statement only inserts a contribution
--    that consumes a live lease of (campaign, item, contributor), and leases reference both the
--    campaign and the item (V3); campaigns are never deleted. The item foreign key stays: its lock
--    is on the item's own row, which the same statement updates anyway.
alter table contributions drop constraint contributions_campaign_id_fkey;
-- batch_id is set only by the anchorer, in the transaction that inserts the batch it names; its
-- key check ran once per contribution of every batch.
alter table contributions drop constraint contributions_batch_id_fkey;
