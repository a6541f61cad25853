-- Who did what among the operators: terms published, campaigns created, items uploaded, versions
-- built and listed. actor is the signed-in operator's address, or 'operator-token' for scripts.
create table operator_activity (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null check (actor = 'operator-token' or (length(actor) = 42 and actor ~ '^0x[0-9a-f]+$')),
  action text not null,
  subject jsonb not null
);
