-- A relayed consent request whose transaction a reorganisation removed is relayed again.
--
-- block_number: the block of the receipt a request was settled from (confirmed, or failed by the
-- contract's skip). When the consent indexer finds that block replaced (or reads it without the
-- request's ConsentGranted / ConsentRevoked log), a confirmed request goes back to 'submitted' and
-- keeps its tx hashes and this block number: a 'submitted' row with a block number is one the relayer
-- checks at once (not after its stuck timeout): settled again from the receipt when the new branch
-- holds one of its transactions, else put back in the queue and relayed again with its signature.
-- Requests settled before this migration have none and are not rolled back.
alter table consent_requests add column block_number bigint check (block_number >= 0);
alter table consent_requests add constraint consent_requests_block_after_sending
  check (block_number is null or status in ('submitted', 'confirmed', 'failed'));
-- rollbacks and re-checks read the confirmed requests of a block range
create index consent_requests_confirmed_block on consent_requests (block_number)
  where status = 'confirmed' and block_number is not null;
