-- Collection campaigns (io.labelledger.answer.upload): items are prompts, and a contributor answers
-- one with a file of their own. The file is uploaded first (kept in the blob store under its keccak256),
-- then signed by reference: the Contribution's answer is the canonical JSON
-- {"bytes":N,"file":"0x<keccak256>","mediaType":"..."}, so nothing changes on-chain or in the audit format.
alter table campaigns
  drop constraint campaigns_task_type_check,
  add constraint campaigns_task_type_check
    check (task_type in ('single_choice', 'multi_choice', 'rating', 'free_text', 'pairwise', 'spans', 'boxes',
                         'upload'));

-- One row per upload received and checked: who uploaded which bytes for which campaign item, and when.
-- A signed contribution naming a file is accepted only with a live row of the same account, campaign,
-- item, length and media type. A row is signed when a contribution of its uploader on its item has
-- exactly its answer (contributions (item_id, contributor) is unique, so that is one index lookup).
-- After expires_at (the upload time plus the lease time) an unsigned row is swept: swept_at is set, and
-- the blob is deleted unless another row still needs the same bytes. Rows are kept after sweeping: they
-- are what the hourly upload limit counts.
--
-- file         the blob id: 0x + keccak256 of the bytes
-- sha256       0x + sha256 of the bytes
-- media_type   what the bytes are (detected from them, equal to what the client claimed)
-- duration_ms  for audio, the duration read from the container
-- file_name    the client's name for the file, checked and kept as metadata only (never a path)
-- answer       the canonical answer string the uploader is to sign
create table uploads (
  id          bigint generated always as identity primary key,
  file        text not null check (file ~ '^0x[0-9a-f]*$' and octet_length(file) = 66),
  sha256      text not null check (sha256 ~ '^0x[0-9a-f]*$' and octet_length(sha256) = 66),
  bytes       bigint not null check (bytes > 0),
  media_type  text not null,
  duration_ms bigint,
  file_name   text,
  campaign_id bigint not null references campaigns (id),
  item_id     bigint not null references items (id),
  uploader    text not null check (uploader ~ '^0x[0-9a-f]*$' and octet_length(uploader) = 42),
  answer      text not null,
  uploaded_at timestamptz not null,
  expires_at  timestamptz not null,
  swept_at    timestamptz
);
create index uploads_file on uploads (file);
create index uploads_uploader_time on uploads (uploader, uploaded_at);
create index uploads_to_sweep on uploads (expires_at) where swept_at is null;
