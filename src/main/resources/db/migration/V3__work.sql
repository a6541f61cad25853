-- Work: items handed out to contributors (leases) and the signed answers they give (contributions).

-- An item handed to a contributor by POST /api/campaigns/{id}/tasks/next, held until expires_at.
-- Active leases count toward the item's overlap; a contribution consumes (deletes) its lease in
-- the same transaction. One row per (item, contributor): asking again after expiry renews it.
create table leases (
  id          bigint generated always as identity primary key,
  campaign_id bigint not null references campaigns (id) on delete cascade,
  item_id     bigint not null references items (id) on delete cascade,
  contributor text not null check (contributor ~ '^0x[0-9a-f]{40}$'),
  leased_at   timestamptz not null,
  expires_at  timestamptz not null,
  unique (item_id, contributor)
);
create index leases_item_expiry on leases (item_id, expires_at);
create index leases_expiry on leases (expires_at);

-- A signed answer (EIP-712 Contribution, domain = ProvenanceRegistry), committed before the reply.
-- All signed fields are kept as signed, with the signature and the digest (unique: the same
-- signed contribution is stored once). One answer per item per contributor. status is decided by
-- quality later; 'accepted' on arrival.
create table contributions (
  id           bigint generated always as identity primary key,
  campaign_id  bigint not null references campaigns (id),
  item_id      bigint not null references items (id),
  contributor  text not null check (contributor ~ '^0x[0-9a-f]{40}$'),
  answer       text not null,
  terms_hash   text not null check (terms_hash ~ '^0x[0-9a-f]{64}$'),
  submitted_at bigint not null,          -- unix seconds, as signed
  signature    bytea not null check (octet_length(signature) = 65),
  digest       bytea not null unique check (octet_length(digest) = 32),
  status       text not null default 'accepted' check (status in ('accepted', 'rejected')),
  created_at   timestamptz not null default now(),
  unique (item_id, contributor)
);
create index contributions_contributor on contributions (contributor, id);
create index contributions_campaign on contributions (campaign_id, id);
