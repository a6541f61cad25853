-- Consent: signed requests waiting to be relayed to ConsentRegistry, and the consent state the
-- service follows from the registry's events (the chain is the system of record; these tables are
-- its index, rebuilt from events when replayed from the deployment block).

-- Signed Consent / Revocation messages (EIP-712, domain = ConsentRegistry) accepted by
-- POST /api/consents and /api/revocations. status: pending → submitting (claimed by a relayer)
-- → submitted (tx_hash recorded before broadcast) → confirmed | failed (failure names the
-- contract's reason). A stuck submitting/submitted row goes back to pending.
create table consent_requests (
  id          bigint generated always as identity primary key,
  kind        text not null check (kind in ('consent', 'revocation')),
  contributor text not null check (contributor ~ '^0x[0-9a-f]{40}$'),
  terms_hash  text not null references terms (terms_hash),
  expires_at  bigint check (expires_at > 0),          -- consent only, unix seconds as signed
  nonce       bigint not null check (nonce >= 0),
  deadline    bigint not null check (deadline >= 0),  -- unix seconds as signed
  signature   bytea not null check (octet_length(signature) = 65),
  digest      bytea not null unique check (octet_length(digest) = 32),
  status      text not null default 'pending'
              check (status in ('pending', 'submitting', 'submitted', 'confirmed', 'failed')),
  tx_hash     text check (tx_hash ~ '^0x[0-9a-f]{64}$'),
  failure     text,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  check ((kind = 'consent') = (expires_at is not null))
);
-- a nonce can be spent once on-chain, so at most one open request may carry it
create unique index consent_requests_open_nonce on consent_requests (contributor, terms_hash, nonce)
  where status in ('pending', 'submitting', 'submitted');
create index consent_requests_pending on consent_requests (kind, id) where status = 'pending';
create index consent_requests_in_flight on consent_requests (id) where status in ('submitting', 'submitted');
create index consent_requests_contributor on consent_requests (contributor, id);

-- How far each chain follower has read: the next block to read.
create table chain_cursor (
  name       text primary key,
  next_block bigint not null check (next_block >= 0),
  updated_at timestamptz not null default now()
);

-- Every ConsentGranted / ConsentRevoked log applied, once: (tx_hash, log_index) makes re-reading
-- a block range harmless.
create table consent_events (
  tx_hash      text not null,
  log_index    integer not null,
  block_number bigint not null,
  kind         text not null check (kind in ('granted', 'revoked')),
  contributor  text not null,
  terms_hash   text not null,
  at           timestamptz not null,   -- grantedAt or revokedAt (block time)
  expires_at   timestamptz,            -- granted only
  nonce        bigint not null,        -- the nonce the change consumed
  primary key (tx_hash, log_index)
);

-- The current consent of each (contributor, terms) pair as the registry's events say. Valid at t
-- when expires_at > t and revoked_at is null. last_nonce orders changes: an older event never
-- overwrites a newer one.
create table consent_state (
  contributor   text not null,
  terms_hash    text not null,
  granted_at    timestamptz not null,
  expires_at    timestamptz not null,
  revoked_at    timestamptz,
  last_nonce    bigint not null,
  updated_block bigint not null,
  primary key (contributor, terms_hash)
);
