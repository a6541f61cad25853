-- EIP-1559 transactions and their replacements (issue 20).
--
-- An anchoring attempt offers a max fee and a priority fee: gas_price keeps the max fee (the legacy
-- gas price on a chain without a base fee; the effective price paid once mined), priority_fee the
-- tip, null for a legacy attempt.
alter table anchor_batches add column priority_fee numeric(78, 0);

-- A relayed batch of consents may be replaced (same nonce, higher fees) while it waits; tx_hash
-- names the latest attempt, earlier_tx_hashes the ones before it. Any one of them may be the one
-- that mines, so settling and recovery look at all of them.
alter table consent_requests add column earlier_tx_hashes text[] not null default '{}';
