-- When the operator delisted a listed version on DataMarketplace (delist mined): it leaves the
-- catalogue and can no longer be bought; its buyers keep their licences and its contributors
-- keep claiming, so its status stays 'listed'.
alter table datasets add column delisted_at timestamptz;
