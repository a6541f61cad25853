-- Room on every page for the row versions the workers write, so that their updates stay HOT (a
-- new version on the same page, no index entry). A non-HOT update of a contribution inserts into
-- all six of its indexes; of an item, into two.
--
-- contributions: written once by the submission, then rewritten twice, by the anchorer (batch_id,
--   leaf_index) and by quality (status), usually within a second or two of each other, before the
--   page can be pruned of the first rewrite's old version. Filled to 50 % (V8), a page had room
--   for one rewrite of each row, not two: 22 % of the rewrites in a 70,000-contribution benchmark
--   were not HOT. At 30 % both rewrites fit.
-- items: quality rewrites an item (label, confidence, answers_wanted, decided_at, none indexed)
--   after each answer; on full pages (the default, 100 %) 77 % of those rewrites were not HOT. The
--   rewrite is larger than the row it replaces (label and confidence were null), so half a page
--   is not quite enough room: at 50 %, 17 % of them were still not HOT.
-- contributor_quality: one row per contributor and campaign, rewritten by every aggregation round
--   that takes one of the contributor's answers in (93 % not HOT when full).
--
-- A fill factor applies to pages written from now on; existing pages keep what they have.
alter table contributions set (fillfactor = 30);
alter table items set (fillfactor = 40);
alter table contributor_quality set (fillfactor = 50);
