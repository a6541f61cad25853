-- Consent withdrawn = data erased. When a contributor's consent to a campaign's terms is revoked (through
-- the service or directly on ConsentRegistry; consent_state is the indexed view of the chain), the
-- erasure sweeper (io.labelledger.upload.ErasureSweeper) records each of their contributions that names a
-- stored file here, marks the matching uploads swept, and deletes the blob unless another upload still
-- needs the same bytes (a still-consented contributor who uploaded the same file, or one not yet signed).
-- Erasure is final: consenting again later does not bring the files back. Exports of every version leave
-- erased contributions out (and say how many); the signed fields and digests stay, since the chain and
-- the audit bundle hold only hashes.
--
-- file          the blob the contribution named (0x + keccak256)
-- revoked_at    the revocation the erasure follows (consent_state.revoked_at when it was found)
-- erased_at     when the contribution was taken out of exports and its uploads swept
-- blob_deleted  whether this erasure deleted the blob (false: other uploads still need the bytes, or it
--               was already gone)
create table erasures (
  contribution_id bigint primary key references contributions (id),
  campaign_id     bigint not null references campaigns (id),
  contributor     text not null check (contributor ~ '^0x[0-9a-f]*$' and octet_length(contributor) = 42),
  file            text not null check (file ~ '^0x[0-9a-f]*$' and octet_length(file) = 66),
  revoked_at      timestamptz not null,
  erased_at       timestamptz not null,
  blob_deleted    boolean not null
);
create index erasures_campaign on erasures (campaign_id);
create index erasures_file on erasures (file);

-- Exports of upload versions look up each item's contributions in the version (to leave erased ones out).
create index dataset_contributions_item on dataset_contributions (dataset_id, item_id);
