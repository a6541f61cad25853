-- The block hashes each chain follower built on: every block that held one of its logs, and the last
-- block of its latest range (the tip). Each round the follower's tip is compared with the chain's
-- block at that height; a different hash means a reorganisation, and the stored hashes, newest
-- first, find the last block both branches share (the fork point). What the follower derived from
-- later blocks is undone and they are read again. Tip-only rows older than the tip are dropped as the
-- cursor moves, so the table grows with the blocks that held logs, not with rounds.
create table chain_indexed_blocks (
  follower     text not null,
  block_number bigint not null check (block_number >= 0),
  block_hash   text not null check (block_hash ~ '^0x[0-9a-f]*$' and octet_length(block_hash) = 66),
  has_logs     boolean not null,
  primary key (follower, block_number)
);

-- Rollbacks delete by block; these keep them from reading whole tables.
create index consent_events_block on consent_events (block_number);
create index chain_listing_changes_block on chain_listing_changes (block_number);
create index chain_purchases_block on chain_purchases (block_number);
create index chain_claims_block on chain_claims (block_number);
create index dataset_purchases_block on dataset_purchases (block_number);
create index anchor_batches_block on anchor_batches (block_number) where block_number is not null;

-- A batch whose anchor a reorganisation removed goes back to 'mined' without its on-chain batch
-- number: the contract numbers anchors in order, so a re-sent root may be given the number the vanished
-- anchor had, or another batch's. 'anchored' still requires the number. (V5's check is found by its
-- definition: it was created without a name.)
do $$
declare
  c record;
begin
  for c in select conname from pg_constraint
            where conrelid = 'anchor_batches'::regclass and contype = 'c'
              and pg_get_constraintdef(oid) like '%chain_batch_id IS NOT NULL%' loop
    execute format('alter table anchor_batches drop constraint %I', c.conname);
  end loop;
end $$;
alter table anchor_batches add constraint anchor_batches_mined_has_receipt
  check ((state in ('mined', 'anchored')) = (block_number is not null and gas_used is not null));
alter table anchor_batches add constraint anchor_batches_anchored_has_batch_number
  check (state <> 'anchored' or chain_batch_id is not null);
