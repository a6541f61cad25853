-- Provenance: Merkle batches of contributions anchored in ProvenanceRegistry, and the chain events
-- the indexer follows (anchors, listings, purchases, claims) beside the consent events of V2.

-- A batch of contributions whose Merkle root is (to be) anchored. Built in one transaction with the
-- contributions' batch_id/leaf_index, so membership is fixed before anything goes to the chain.
-- state: built (tree persisted, nothing sent) -> sent (tx_hash, nonce, gas_price recorded before
-- the broadcast) -> mined (receipt recorded, waiting for confirmations) -> anchored (buried under
-- work.confirmations blocks). A sent transaction may be replaced (same nonce, higher price): tx_hash
-- and gas_price always name the latest attempt, and once mined the one that landed.
-- id is ours (contributions reference it before the chain assigns anything); chain_batch_id is
-- the contract's batch id (BatchAnchored.batchId), set once mined.
create table anchor_batches (
  id                bigint generated always as identity primary key,
  root              bytea not null unique check (octet_length(root) = 32),
  leaf_count        integer not null check (leaf_count > 0),
  -- every node of the OpenZeppelin StandardMerkleTree, 32 bytes each, in its array order (root
  -- first, leaves last in reverse sorted order): 2 * leaf_count - 1 nodes. Proofs read slices.
  tree              bytea not null check (octet_length(tree) = 32 * (2 * leaf_count - 1)),
  state             text not null default 'built' check (state in ('built', 'sent', 'mined', 'anchored')),
  chain_batch_id    bigint unique,
  tx_hash           text check (tx_hash ~ '^0x[0-9a-f]{64}$'),
  nonce             bigint check (nonce >= 0),
  gas_price         numeric(78, 0),             -- wei, of the latest attempt (of the mined one once mined)
  attempts          integer not null default 0, -- signed transactions recorded for this batch
  sent_at           timestamptz,                -- when the latest attempt was recorded
  search_from_block bigint,                     -- chain head before the first attempt: where its log can be
  block_number      bigint,
  block_hash        text,
  block_time        timestamptz,                -- BatchAnchored.anchoredAt
  gas_used          bigint,
  created_at        timestamptz not null default now(),
  anchored_at       timestamptz,                -- when the batch reached 'anchored'
  check ((state in ('mined', 'anchored')) = (chain_batch_id is not null and block_number is not null and gas_used is not null)),
  check (state <> 'sent' or (tx_hash is not null and nonce is not null and gas_price is not null))
);
-- Proof requests read 32-byte slices of the tree: uncompressed out-of-line storage lets PostgreSQL
-- fetch only the chunks it needs.
alter table anchor_batches alter column tree set storage external;
-- At most one batch between build and receipt, cluster-wide: the anchorer's nonces stay in order.
create unique index anchor_batches_one_open on anchor_batches ((true)) where state in ('built', 'sent');
create index anchor_batches_mined on anchor_batches (id) where state = 'mined';

-- leaf_index: the leaf's position in the tree's sorted leaves (0 = smallest leaf hash); the node
-- array holds it at 2 * leaf_count - 2 - leaf_index.
alter table contributions
  add column batch_id bigint references anchor_batches (id),
  add column leaf_index integer check (leaf_index >= 0),
  add check ((batch_id is null) = (leaf_index is null));
-- The anchorer's queue: contributions not yet in a batch, read in id order.
create index contributions_unbatched on contributions (id) where batch_id is null;

-- ProvenanceRegistry BatchAnchored logs, as the chain indexer saw them (the chain's own record of
-- every anchor, whoever sent it: compared with anchor_batches, it shows orphan anchors).
create table chain_anchors (
  chain_batch_id bigint primary key,
  root           bytea not null check (octet_length(root) = 32),
  leaf_count     bigint not null,
  anchored_at    timestamptz not null,
  block_number   bigint not null,
  tx_hash        text not null,
  log_index      integer not null,
  unique (tx_hash, log_index)
);

-- DataMarketplace listings as the chain's events leave them (DatasetListed, DatasetRepriced,
-- DatasetDelisted).
create table chain_listings (
  dataset_id     numeric(78, 0) primary key,
  curator        text not null,
  payment_token  text not null,
  content_root   bytea not null,
  shares_root    bytea not null,
  total_shares   numeric(78, 0) not null,
  price          numeric(78, 0) not null,
  fee_bps        integer not null,
  terms_hash     text not null,
  parent_id      numeric(78, 0) not null,
  delisted       boolean not null default false,
  listed_block   bigint not null,
  updated_block  bigint not null,
  tx_hash        text not null
);

-- Every repricing / delisting applied, once, so re-reading a block range changes nothing.
create table chain_listing_changes (
  tx_hash      text not null,
  log_index    integer not null,
  dataset_id   numeric(78, 0) not null,
  kind         text not null check (kind in ('repriced', 'delisted')),
  new_price    numeric(78, 0),
  block_number bigint not null,
  primary key (tx_hash, log_index)
);

-- DatasetPurchased logs: one licence each.
create table chain_purchases (
  tx_hash      text not null,
  log_index    integer not null,
  dataset_id   numeric(78, 0) not null,
  buyer        text not null,
  price        numeric(78, 0) not null,
  fee          numeric(78, 0) not null,
  block_number bigint not null,
  primary key (tx_hash, log_index)
);
create index chain_purchases_buyer on chain_purchases (buyer, dataset_id);

-- Claimed logs: revenue paid to a shares-tree account.
create table chain_claims (
  tx_hash      text not null,
  log_index    integer not null,
  dataset_id   numeric(78, 0) not null,
  leaf_index   numeric(78, 0) not null,
  account      text not null,
  amount       numeric(78, 0) not null,
  block_number bigint not null,
  primary key (tx_hash, log_index)
);
create index chain_claims_account on chain_claims (account, dataset_id);
