-- SPDX-License-Identifier: GPL-3.0-or-later
-- Resource matching (资源对接): events, registrations, listings (needs and
-- offers), matches and agreements.  Every name starts with matching_.
-- Released steps are never edited: add a new numbered step instead.

CREATE TABLE matching_events (
  id                    INTEGER PRIMARY KEY,
  kind                  TEXT NOT NULL CHECK (kind IN ('roadshow', 'salon', 'tech_transfer', 'alliance', 'bank_enterprise', 'supply_chain', 'talent_fair')),
  title                 TEXT NOT NULL,
  organizer_org_id      INTEGER NOT NULL REFERENCES organizations (id),
  starts_at             TEXT NOT NULL,
  ends_at               TEXT,
  venue                 TEXT,
  capacity              INTEGER CHECK (capacity IS NULL OR capacity > 0),
  registration_mode     TEXT NOT NULL DEFAULT 'open' CHECK (registration_mode IN ('open', 'approval')),
  registration_deadline TEXT,
  minutes               TEXT,
  attendee_count        INTEGER CHECK (attendee_count IS NULL OR attendee_count >= 0),
  state                 TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'registration_closed', 'held', 'archived', 'postponed', 'cancelled')),
  version               INTEGER NOT NULL DEFAULT 1,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL,
  CHECK (ends_at IS NULL OR ends_at > starts_at)
) STRICT;
CREATE INDEX matching_events_starts_idx ON matching_events (starts_at, id);
CREATE INDEX matching_events_organizer_idx ON matching_events (organizer_org_id);

CREATE TABLE matching_event_co_organizers (
  event_id INTEGER NOT NULL REFERENCES matching_events (id) ON DELETE CASCADE,
  org_id   INTEGER NOT NULL REFERENCES organizations (id),
  PRIMARY KEY (event_id, org_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE matching_event_chains (
  event_id INTEGER NOT NULL REFERENCES matching_events (id) ON DELETE CASCADE,
  chain_id INTEGER NOT NULL REFERENCES chains (id),
  PRIMARY KEY (event_id, chain_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX matching_event_chains_chain_idx ON matching_event_chains (chain_id, event_id);

CREATE TABLE matching_listings (
  id              INTEGER PRIMARY KEY,
  direction       TEXT NOT NULL CHECK (direction IN ('need', 'offer')),
  enterprise_id   INTEGER REFERENCES enterprises (id),
  external_party  TEXT,
  org_id          INTEGER REFERENCES organizations (id),
  type            TEXT NOT NULL CHECK (type IN ('technology', 'financing', 'talent', 'equipment', 'supply', 'purchase', 'market', 'policy', 'space')),
  title           TEXT NOT NULL,
  description     TEXT,
  amount_cny      REAL CHECK (amount_cny IS NULL OR amount_cny >= 0),
  valid_until     TEXT,
  published_at    TEXT,
  state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'matched', 'closed', 'expired')),
  version         INTEGER NOT NULL DEFAULT 1,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  CHECK ((enterprise_id IS NULL) <> (external_party IS NULL))
) STRICT;
CREATE INDEX matching_listings_state_idx ON matching_listings (state, direction, type);
CREATE INDEX matching_listings_enterprise_idx ON matching_listings (enterprise_id);
CREATE INDEX matching_listings_valid_idx ON matching_listings (valid_until) WHERE state = 'published';

CREATE TABLE matching_listing_chains (
  listing_id INTEGER NOT NULL REFERENCES matching_listings (id) ON DELETE CASCADE,
  chain_id   INTEGER NOT NULL REFERENCES chains (id),
  PRIMARY KEY (listing_id, chain_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX matching_listing_chains_chain_idx ON matching_listing_chains (chain_id, listing_id);

CREATE TABLE matching_listing_keywords (
  listing_id INTEGER NOT NULL REFERENCES matching_listings (id) ON DELETE CASCADE,
  keyword    TEXT NOT NULL,
  PRIMARY KEY (listing_id, keyword)
) STRICT, WITHOUT ROWID;

-- Text of a listing for search and suggestions: title, description and
-- keywords, trigram-tokenised so a Chinese substring of three or more
-- characters matches.  It keeps its own copy (keywords live in a link
-- table, so an external-content table cannot read them); the triggers
-- below keep it in step with both tables.
CREATE VIRTUAL TABLE matching_listings_fts USING fts5 (title, description, keywords, tokenize = 'trigram');

CREATE TRIGGER matching_listings_fts_ai AFTER INSERT ON matching_listings BEGIN
  INSERT INTO matching_listings_fts (rowid, title, description, keywords) VALUES (new.id, new.title, new.description, '');
END;
CREATE TRIGGER matching_listings_fts_ad AFTER DELETE ON matching_listings BEGIN
  DELETE FROM matching_listings_fts WHERE rowid = old.id;
END;
CREATE TRIGGER matching_listings_fts_au AFTER UPDATE OF title, description ON matching_listings BEGIN
  UPDATE matching_listings_fts SET title = new.title, description = new.description WHERE rowid = new.id;
END;
CREATE TRIGGER matching_listing_keywords_fts_ai AFTER INSERT ON matching_listing_keywords BEGIN
  UPDATE matching_listings_fts SET keywords = (SELECT group_concat (keyword, ' ') FROM matching_listing_keywords WHERE listing_id = new.listing_id) WHERE rowid = new.listing_id;
END;
CREATE TRIGGER matching_listing_keywords_fts_ad AFTER DELETE ON matching_listing_keywords BEGIN
  UPDATE matching_listings_fts SET keywords = ifnull ((SELECT group_concat (keyword, ' ') FROM matching_listing_keywords WHERE listing_id = old.listing_id), '') WHERE rowid = old.listing_id;
END;

CREATE TABLE matching_registrations (
  id              INTEGER PRIMARY KEY,
  event_id        INTEGER NOT NULL REFERENCES matching_events (id),
  enterprise_id   INTEGER REFERENCES enterprises (id),
  external_party  TEXT,
  role            TEXT NOT NULL DEFAULT 'attendee' CHECK (role IN ('presenter', 'investor', 'expert', 'attendee')),
  note            TEXT,
  check_in_code   TEXT,
  checked_in_at   TEXT,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'waitlisted', 'rejected', 'attended', 'no_show', 'cancelled')),
  version         INTEGER NOT NULL DEFAULT 1,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  CHECK ((enterprise_id IS NULL) <> (external_party IS NULL))
) STRICT;
CREATE INDEX matching_registrations_event_idx ON matching_registrations (event_id, state, id);
CREATE INDEX matching_registrations_enterprise_idx ON matching_registrations (enterprise_id);
CREATE UNIQUE INDEX matching_registrations_code_idx ON matching_registrations (check_in_code) WHERE check_in_code IS NOT NULL;

CREATE TABLE matching_registration_persons (
  registration_id INTEGER NOT NULL REFERENCES matching_registrations (id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  position        TEXT,
  PRIMARY KEY (registration_id, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE matching_registration_listings (
  registration_id INTEGER NOT NULL REFERENCES matching_registrations (id) ON DELETE CASCADE,
  listing_id      INTEGER NOT NULL REFERENCES matching_listings (id),
  PRIMARY KEY (registration_id, listing_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE matching_matches (
  id              INTEGER PRIMARY KEY,
  need_id         INTEGER NOT NULL REFERENCES matching_listings (id),
  offer_id        INTEGER NOT NULL REFERENCES matching_listings (id),
  event_id        INTEGER REFERENCES matching_events (id),
  owner_user_id   INTEGER REFERENCES users (id),
  next_step       TEXT,
  next_step_due   TEXT,
  stalled_from    TEXT,
  state           TEXT NOT NULL DEFAULT 'suggested' CHECK (state IN ('suggested', 'contacted', 'negotiating', 'intent_signed', 'contract_signed', 'delivered', 'stalled', 'closed_lost')),
  version         INTEGER NOT NULL DEFAULT 1,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX matching_matches_need_idx ON matching_matches (need_id);
CREATE INDEX matching_matches_offer_idx ON matching_matches (offer_id);
CREATE INDEX matching_matches_state_idx ON matching_matches (state);

CREATE TABLE matching_agreements (
  id          INTEGER PRIMARY KEY,
  match_id    INTEGER NOT NULL REFERENCES matching_matches (id),
  kind        TEXT NOT NULL CHECK (kind IN ('cooperation', 'purchase', 'loan', 'tech_transfer', 'joint_lab', 'paired_building')),
  amount_cny  REAL CHECK (amount_cny IS NULL OR amount_cny >= 0),
  signed_on   TEXT NOT NULL,
  note        TEXT,
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX matching_agreements_match_idx ON matching_agreements (match_id);
CREATE INDEX matching_agreements_signed_idx ON matching_agreements (signed_on);
