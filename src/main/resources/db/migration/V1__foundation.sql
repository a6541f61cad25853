-- Foundation of the service: SIWE login, published terms, campaigns and their items.
-- Addresses and hashes are stored as lower-case 0x-hex text, exactly as the API shows them.

-- Single-use SIWE nonces. A row is deleted when it is used (that delete is the atomic "consume");
-- expired rows are swept by the service.
create table auth_nonces (
  nonce      text primary key check (nonce ~ '^[A-Za-z0-9]{8,64}$'),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index auth_nonces_expires_at on auth_nonces (expires_at);

-- Bearer sessions. Only sha256(token) is stored: a database leak does not hand out sessions.
create table sessions (
  token_hash bytea primary key check (octet_length(token_hash) = 32),
  address    text not null check (address ~ '^0x[0-9a-f]{40}$'),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_address on sessions (address);
create index sessions_expires_at on sessions (expires_at);

-- Terms a contributor consents to. terms_hash = keccak256(text as UTF-8). chain_status tracks the
-- on-chain registration in ConsentRegistry, done asynchronously by the chain side.
create table terms (
  terms_hash   text primary key check (terms_hash ~ '^0x[0-9a-f]{64}$'),
  text         text not null,
  uri          text,
  chain_status text not null default 'pending' check (chain_status in ('pending', 'registered', 'failed')),
  chain_tx     text,
  created_at   timestamptz not null default now()
);
create index terms_pending on terms (created_at) where chain_status = 'pending';

create table campaigns (
  id                bigint generated always as identity primary key,
  name              text not null,
  description       text not null default '',
  instructions      text not null,
  task_type         text not null check (task_type in ('single_choice')),
  overlap           integer not null check (overlap between 1 and 50),
  max_overlap       integer not null check (max_overlap between overlap and 50),
  gold_rate         double precision not null check (gold_rate >= 0 and gold_rate <= 0.5),
  accuracy_floor    double precision not null check (accuracy_floor >= 0 and accuracy_floor <= 1),
  target_confidence double precision not null check (target_confidence > 0 and target_confidence <= 1),
  terms_hash        text not null references terms (terms_hash),
  -- maintained by item uploads in the same transaction, so listing campaigns never counts items
  item_count        bigint not null default 0,
  gold_count        bigint not null default 0,
  created_at        timestamptz not null default now()
);

-- The label set of a single-choice campaign, in the order the operator gave it.
create table campaign_labels (
  campaign_id bigint not null references campaigns (id) on delete cascade,
  position    smallint not null check (position >= 0),
  label       text not null check (length(label) between 1 and 200),
  primary key (campaign_id, position),
  unique (campaign_id, label)
);

-- Items to label; 100,000s per campaign. The id is the on-chain itemId of contributions.
-- (campaign_id, external_id) makes uploads idempotent and serves per-campaign scans in id order
-- through the primary key range; gold items have their own small partial index for sampling.
create table items (
  id          bigint generated always as identity primary key,
  campaign_id bigint not null references campaigns (id) on delete cascade,
  external_id text not null check (length(external_id) between 1 and 200),
  payload     jsonb not null,
  is_gold     boolean not null default false,
  gold_answer text,
  created_at  timestamptz not null default now(),
  unique (campaign_id, external_id),
  check (is_gold = (gold_answer is not null))
);
create index items_campaign_id on items (campaign_id, id);
create index items_gold on items (campaign_id, id) where is_gold;
