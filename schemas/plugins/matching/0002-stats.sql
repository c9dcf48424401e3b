-- SPDX-License-Identifier: GPL-3.0-or-later
-- Indexes that hold what the stats section counts (matching-stats.c), so
-- that its figures read no table rows.  Province data (20,000 listings,
-- 6,000 matches): the park's listings by direction and type took two scans
-- of the listings table, 4 ms each; a chain's, a table row a listing.

-- The park's listings ever published, one range per direction and type,
-- from the period's start.
CREATE INDEX matching_listings_published_idx ON matching_listings (direction, type, published_at)
  WHERE published_at IS NOT NULL;

-- A chain's listings, looked up by id from matching_listing_chains.
CREATE INDEX matching_listings_chain_stats_idx ON matching_listings (id, direction, type, published_at);

-- The park's matches, one range per stage from the period's start; a big
-- chain's, all read in one pass for their listings.
CREATE INDEX matching_matches_stats_idx ON matching_matches (state, created_at, need_id, offer_id);
