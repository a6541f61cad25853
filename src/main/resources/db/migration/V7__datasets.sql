-- Datasets: versions built from a campaign's accepted, consented, anchored work; their listing on
-- DataMarketplace; the licences bought (DatasetPurchased logs); notices to earlier buyers; and the
-- claims the operator submits for contributors. A version is immutable once built: everything a
-- version is made of is copied here at build time, so later quality runs or consent changes never
-- alter a version that was (or will be) sold.

create table datasets (
  id                 bigint generated always as identity primary key,
  campaign_id        bigint not null references campaigns (id),
  version            integer not null check (version >= 1),
  parent_id          bigint references datasets (id),
  name               text not null,
  status             text not null default 'built' check (status in ('built', 'listing', 'listed', 'failed')),
  terms_hash         text not null check (terms_hash ~ '^0x[0-9a-f]{64}$'),
  payment_token      text not null check (payment_token ~ '^0x[0-9a-f]{40}$'),
  price              numeric(39, 0) not null check (price > 0 and price < 2 ^ 128),
  confidence_bar     double precision not null,
  content_root       text not null check (content_root ~ '^0x[0-9a-f]{64}$'),
  shares_root        text not null check (shares_root ~ '^0x[0-9a-f]{64}$'),
  total_shares       bigint not null check (total_shares > 0),
  item_count         bigint not null check (item_count > 0),
  contribution_count bigint not null check (contribution_count > 0),
  contributor_count  integer not null check (contributor_count > 0),
  batch_ids          bigint[] not null,      -- anchor batches the contributions are in
  quality            jsonb not null,         -- label distribution, gold accuracy, mean confidence, agreement
  built_at           timestamptz not null,
  -- the listing: chain_dataset_id is DataMarketplace's datasetId; list_tx is recorded before broadcast
  chain_dataset_id   bigint unique,
  list_tx            text check (list_tx ~ '^0x[0-9a-f]{64}$'),
  listed_block       bigint,
  listed_at          timestamptz,
  fee_bps            integer,
  failure            text,
  unique (campaign_id, version),
  check ((status = 'listed') = (chain_dataset_id is not null))
);
create index datasets_listing on datasets (id) where status = 'listing';

-- The items of a version in export order, with the label and confidence they had at build time and
-- the content-tree leaves (contribution digests) that support them, so an export is one index scan.
create table dataset_items (
  dataset_id bigint not null references datasets (id) on delete cascade,
  position   integer not null check (position >= 0),
  item_id    bigint not null references items (id),
  label      text not null,
  confidence double precision not null,
  leaves     bytea[] not null,
  primary key (dataset_id, position)
);

-- The contributions a version is made of: leaf_index is the input index of the content tree
-- (leaf = StandardMerkleTree leaf of the contribution's EIP-712 digest as bytes32).
create table dataset_contributions (
  dataset_id      bigint not null references datasets (id) on delete cascade,
  leaf_index      integer not null check (leaf_index >= 0),
  contribution_id bigint not null references contributions (id),
  item_id         bigint not null,
  contributor     text not null,
  digest          bytea not null check (octet_length(digest) = 32),
  primary key (dataset_id, leaf_index),
  unique (dataset_id, contribution_id)
);
create index dataset_contributions_contributor on dataset_contributions (contributor, dataset_id);

-- The shares tree of a version: leaf_index is the index DataMarketplace claims use.
create table dataset_shares (
  dataset_id bigint not null references datasets (id) on delete cascade,
  leaf_index integer not null check (leaf_index >= 0),
  account    text not null check (account ~ '^0x[0-9a-f]{40}$'),
  shares     bigint not null check (shares > 0),
  primary key (dataset_id, leaf_index),
  unique (dataset_id, account)
);
create index dataset_shares_account on dataset_shares (account, dataset_id);

-- Licences: DatasetPurchased logs of our DataMarketplace, applied once each.
create table dataset_purchases (
  tx_hash          text not null,
  log_index        integer not null,
  chain_dataset_id bigint not null,
  buyer            text not null check (buyer ~ '^0x[0-9a-f]{40}$'),
  price            numeric(39, 0) not null,
  fee              numeric(39, 0) not null,
  block_number     bigint not null,
  purchased_at     timestamptz not null,
  primary key (tx_hash, log_index),
  unique (chain_dataset_id, buyer)
);
create index dataset_purchases_buyer on dataset_purchases (buyer);

-- Notices to buyers of an earlier version: a newer version of the same campaign left out work
-- (consent withdrawn). One per (buyer, version bought, newer version).
create table dataset_notices (
  id                    bigint generated always as identity primary key,
  buyer                 text not null,
  dataset_id            bigint not null references datasets (id),
  superseded_by         bigint not null references datasets (id),
  contributors_removed  integer not null,
  contributions_removed integer not null,
  items_removed         integer not null,
  created_at            timestamptz not null default now(),
  unique (buyer, dataset_id, superseded_by)
);
create index dataset_notices_buyer on dataset_notices (buyer, id);

-- Claims the operator sent on a contributor's behalf (the operator pays the gas; the contract pays
-- the account only). Kept for the per-account rate limit and for the record.
create table operator_claims (
  id          bigint generated always as identity primary key,
  account     text not null check (account ~ '^0x[0-9a-f]{40}$'),
  dataset_ids bigint[] not null,
  tx_hash     text check (tx_hash ~ '^0x[0-9a-f]{64}$'),
  status      text not null default 'sending' check (status in ('sending', 'sent', 'confirmed', 'failed')),
  amount      numeric(39, 0),
  failure     text,
  created_at  timestamptz not null default now()
);
create index operator_claims_account on operator_claims (account, created_at);
