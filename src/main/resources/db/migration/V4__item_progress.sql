-- Item progress kept on the item itself, so that leasing never counts the contributions of the
-- whole campaign and its cost does not grow with the number of answered or filled items.
--
-- answers        contributions received for the item; incremented in the transaction that inserts
--                the contribution.
-- answers_wanted how many answers the item should get now: the campaign's overlap at first;
--                quality's dynamic overlap moves it between campaigns.overlap and max_overlap.
--                A regular item is leased while answers + unexpired leases < answers_wanted.
-- closed_at      null while a regular item still wants answers (answers < answers_wanted), set when
--                answers reach answers_wanted. Maintained by the trigger below whatever statement
--                changes answers or answers_wanted, so a raised answers_wanted reopens the item.
--                Gold items are exempt from overlap and never close.
-- available_at   a leasing hint: the earliest time a full item (answers + unexpired leases =
--                answers_wanted) can have a free slot again, i.e. the first expiry among its
--                leases; '-infinity' while the item is not known to be full. Leasing scans only
--                open items with available_at <= now, in (available_at, id) order, so items held
--                by unexpired leases are skipped by the index instead of being visited one by one.
--                It may be early (then the item is checked and skipped), never late: whoever
--                frees a slot other than by expiry (raising answers_wanted, reopening) resets it.
alter table items
  add column answers        integer not null default 0 check (answers >= 0),
  add column answers_wanted integer,
  add column closed_at      timestamptz,
  add column available_at   timestamptz not null default '-infinity';

update items i set answers_wanted = c.overlap from campaigns c where c.id = i.campaign_id;
update items i set answers = n.count
  from (select item_id, count(*) as count from contributions group by item_id) n
  where n.item_id = i.id;
update items set closed_at = now() where not is_gold and answers >= answers_wanted;

alter table items
  alter column answers_wanted set not null,
  add constraint items_answers_wanted_positive check (answers_wanted >= 1);

create function items_track_progress() returns trigger language plpgsql as $$
begin
  if not new.is_gold and new.answers >= new.answers_wanted then
    new.closed_at := coalesce(new.closed_at, now());
  else
    new.closed_at := null;
  end if;
  if new.answers_wanted > old.answers_wanted or (old.closed_at is not null and new.closed_at is null) then
    new.available_at := '-infinity';
  end if;
  return new;
end
$$;

create trigger items_track_progress before update of answers, answers_wanted on items
  for each row execute function items_track_progress();

-- Leasing of regular items: open ones only, those whose slots may be free first.
create index items_open on items (campaign_id, available_at, id) where closed_at is null and not is_gold;
