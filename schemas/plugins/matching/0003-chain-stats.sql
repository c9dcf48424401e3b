-- SPDX-License-Identifier: GPL-3.0-or-later
-- A chain's figures in the stats section (matching-stats.c), read per
-- chain instead of per listing.  Province data (20,000 listings on 60
-- chains, 6,000 matches): chain 1 read its 1,549 listings one table probe
-- each and then every match of the park to find its 478, 2-3 ms in all.
--
-- Two copies, kept in step by the triggers below in the same transaction
-- as every write to listings, their chains and matches; the plugin's code
-- never writes them.  They hold one row per listing or match *and chain*,
-- whatever the period, so a period narrows them as it does the park's
-- indexes, and the figures of any scope and period stay exact counts of
-- the rows themselves (no counter to drift, no sum kept by arithmetic).

-- Listings per chain, with what the section counts of them.
CREATE TABLE matching_listing_chain_facts (
  chain_id     INTEGER NOT NULL,
  listing_id   INTEGER NOT NULL,
  direction    TEXT NOT NULL,
  type         TEXT NOT NULL,
  published_at TEXT,
  PRIMARY KEY (chain_id, listing_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX matching_listing_chain_facts_count_idx
  ON matching_listing_chain_facts (chain_id, direction, type, published_at);
CREATE INDEX matching_listing_chain_facts_listing_idx ON matching_listing_chain_facts (listing_id);

-- The matches of a chain: those with the need or the offer on it (once,
-- when both are), with their stage and creation.
CREATE TABLE matching_match_chain_facts (
  chain_id   INTEGER NOT NULL,
  match_id   INTEGER NOT NULL,
  state      TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (chain_id, match_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX matching_match_chain_facts_count_idx ON matching_match_chain_facts (chain_id, state, created_at);
CREATE INDEX matching_match_chain_facts_match_idx ON matching_match_chain_facts (match_id);

INSERT INTO matching_listing_chain_facts (chain_id, listing_id, direction, type, published_at)
  SELECT c.chain_id, l.id, l.direction, l.type, l.published_at
    FROM matching_listing_chains c JOIN matching_listings l ON l.id = c.listing_id;
INSERT OR IGNORE INTO matching_match_chain_facts (chain_id, match_id, state, created_at)
  SELECT c.chain_id, m.id, m.state, m.created_at
    FROM matching_matches m JOIN matching_listing_chains c ON c.listing_id IN (m.need_id, m.offer_id);

-- A listing joins or leaves a chain: its row, and its matches' rows.  A
-- match leaves the chain only when its other listing is not on it.  The
-- delete reads no listing row: when a listing is deleted, its chain links
-- go by cascade after it.
CREATE TRIGGER matching_listing_chain_facts_link_ai AFTER INSERT ON matching_listing_chains BEGIN
  INSERT OR REPLACE INTO matching_listing_chain_facts (chain_id, listing_id, direction, type, published_at)
    SELECT new.chain_id, l.id, l.direction, l.type, l.published_at FROM matching_listings l WHERE l.id = new.listing_id;
  INSERT OR IGNORE INTO matching_match_chain_facts (chain_id, match_id, state, created_at)
    SELECT new.chain_id, m.id, m.state, m.created_at FROM matching_matches m
     WHERE m.need_id = new.listing_id OR m.offer_id = new.listing_id;
END;
CREATE TRIGGER matching_listing_chain_facts_link_ad AFTER DELETE ON matching_listing_chains BEGIN
  DELETE FROM matching_listing_chain_facts WHERE chain_id = old.chain_id AND listing_id = old.listing_id;
  DELETE FROM matching_match_chain_facts
   WHERE chain_id = old.chain_id AND match_id IN (
     SELECT m.id FROM matching_matches m
      WHERE (m.need_id = old.listing_id OR m.offer_id = old.listing_id)
        AND NOT EXISTS (SELECT 1 FROM matching_listing_chains c
                         WHERE c.chain_id = old.chain_id AND c.listing_id IN (m.need_id, m.offer_id)));
END;
CREATE TRIGGER matching_listing_chain_facts_link_au AFTER UPDATE OF listing_id, chain_id ON matching_listing_chains BEGIN
  DELETE FROM matching_listing_chain_facts WHERE chain_id = old.chain_id AND listing_id = old.listing_id;
  DELETE FROM matching_match_chain_facts
   WHERE chain_id = old.chain_id AND match_id IN (
     SELECT m.id FROM matching_matches m
      WHERE (m.need_id = old.listing_id OR m.offer_id = old.listing_id)
        AND NOT EXISTS (SELECT 1 FROM matching_listing_chains c
                         WHERE c.chain_id = old.chain_id AND c.listing_id IN (m.need_id, m.offer_id)));
  INSERT OR REPLACE INTO matching_listing_chain_facts (chain_id, listing_id, direction, type, published_at)
    SELECT new.chain_id, l.id, l.direction, l.type, l.published_at FROM matching_listings l WHERE l.id = new.listing_id;
  INSERT OR IGNORE INTO matching_match_chain_facts (chain_id, match_id, state, created_at)
    SELECT new.chain_id, m.id, m.state, m.created_at FROM matching_matches m
     WHERE m.need_id = new.listing_id OR m.offer_id = new.listing_id;
END;
CREATE TRIGGER matching_listing_chain_facts_listing_au AFTER UPDATE OF direction, type, published_at ON matching_listings BEGIN
  UPDATE matching_listing_chain_facts SET direction = new.direction, type = new.type, published_at = new.published_at
   WHERE listing_id = new.id;
END;

-- A match's rows follow its listings, its stage and its creation.
CREATE TRIGGER matching_match_chain_facts_match_ai AFTER INSERT ON matching_matches BEGIN
  INSERT OR IGNORE INTO matching_match_chain_facts (chain_id, match_id, state, created_at)
    SELECT c.chain_id, new.id, new.state, new.created_at FROM matching_listing_chains c
     WHERE c.listing_id IN (new.need_id, new.offer_id);
END;
CREATE TRIGGER matching_match_chain_facts_match_ad AFTER DELETE ON matching_matches BEGIN
  DELETE FROM matching_match_chain_facts WHERE match_id = old.id;
END;
CREATE TRIGGER matching_match_chain_facts_match_au AFTER UPDATE OF id, need_id, offer_id, state, created_at
  ON matching_matches BEGIN
  DELETE FROM matching_match_chain_facts WHERE match_id = old.id;
  INSERT OR IGNORE INTO matching_match_chain_facts (chain_id, match_id, state, created_at)
    SELECT c.chain_id, new.id, new.state, new.created_at FROM matching_listing_chains c
     WHERE c.listing_id IN (new.need_id, new.offer_id);
END;
