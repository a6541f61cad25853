-- Peer validation of contributed files and weighted shares (io.labelledger.validation).
--
-- An upload campaign created from now on gets a linked validation campaign (single_choice, labels
-- valid / invalid, the same terms: a dataset is listed under one terms hash), created in the same
-- transaction. Every signed upload becomes an item of it; validators vote on it as on any
-- single-choice item (their own consent, gold and accuracy floor). An upload counts once its
-- validation is decided: `agreeing` votes for one label and more votes for it than for the other
-- (default 2: Common Voice's rule).
--
-- campaigns.validates_campaign   on a validation campaign: the upload campaign it validates
-- items.validates_contribution   on a validation item: the upload contribution it is about
-- items.validation               on a validation item: 'valid' / 'invalid' once decided by the votes
--                                stored, kept by the trigger below on every vote
-- datasets.shares_rule           the rule a version's shares follow, as its audit bundle states it;
--                                null for one share per contribution (every version built before)
alter table campaigns
  add column validates_campaign bigint unique references campaigns (id);

alter table items
  add column validates_contribution bigint references contributions (id),
  add column validation text check (validation in ('valid', 'invalid')),
  add constraint items_validation_of_validation_items check (validation is null or validates_contribution is not null);
create unique index items_validates_contribution on items (validates_contribution)
  where validates_contribution is not null;

alter table datasets add column shares_rule jsonb;

-- A signed upload becomes an item of its campaign's validation campaign, in the transaction that stores
-- it: one statement-level trigger, so a batch of contributions costs one join, and campaigns without a
-- validation campaign find nothing. The item shows the prompt and the file.
create function uploads_to_validate() returns trigger language plpgsql as $$
begin
  with ins as (
    insert into items (campaign_id, external_id, payload, answers_wanted, validates_contribution)
    select v.id, 'contribution-' || n.id,
           jsonb_build_object('contribution', n.id, 'uploadCampaign', n.campaign_id, 'uploadItem', n.item_id,
                              'prompt', p.payload) || n.answer::jsonb,
           v.overlap, n.id
      from added n
      join campaigns v on v.validates_campaign = n.campaign_id
      join items p on p.id = n.item_id
    on conflict (campaign_id, external_id) do nothing
    returning campaign_id)
  update campaigns c set item_count = c.item_count + k.n
    from (select campaign_id, count(*) as n from ins group by campaign_id) k
   where c.id = k.campaign_id;
  return null;
end $$;
create trigger uploads_to_validate after insert on contributions
  referencing new table as added for each statement execute function uploads_to_validate();

-- A vote on a validation item decides it when one label has at least `agreeing` votes (the upload
-- campaign's settings.validation.agreeing) and more than the other; the upload's contribution is then
-- accepted or rejected. The item row is locked first, so concurrent votes are counted one after the
-- other (each count sees the votes committed before it). io.labelledger.validation.ValidationRule is the
-- same rule, applied by version builds to the votes stored when the build starts.
create function validation_votes() returns trigger language plpgsql as $$
declare
  r record;
  valid_votes bigint;
  invalid_votes bigint;
  agreeing integer;
  decision text;
begin
  -- campaigns first (a handful of rows): work of other campaigns costs no item lookup
  for r in select distinct i.id, i.validates_contribution, v.validates_campaign
             from added n join campaigns v on v.id = n.campaign_id and v.validates_campaign is not null
             join items i on i.id = n.item_id
            where i.validates_contribution is not null
            order by i.id loop
    perform 1 from items where id = r.id for no key update;
    select count(*) filter (where answer = 'valid'), count(*) filter (where answer = 'invalid')
      into valid_votes, invalid_votes from contributions where item_id = r.id;
    select coalesce((settings -> 'validation' ->> 'agreeing')::integer, 2) into agreeing
      from campaigns where id = r.validates_campaign;
    decision := case when valid_votes >= agreeing and valid_votes > invalid_votes then 'valid'
                     when invalid_votes >= agreeing and invalid_votes > valid_votes then 'invalid' end;
    update items set validation = decision where id = r.id and validation is distinct from decision;
    update contributions set status = case decision when 'valid' then 'accepted' when 'invalid' then 'rejected'
                                                    else 'pending' end
     where id = r.validates_contribution
       and status <> case decision when 'valid' then 'accepted' when 'invalid' then 'rejected' else 'pending' end;
  end loop;
  return null;
end $$;
create trigger validation_votes after insert on contributions
  referencing new table as added for each statement execute function validation_votes();
