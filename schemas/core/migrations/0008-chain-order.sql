-- SPDX-License-Identifier: GPL-3.0-or-later
-- A chain's enterprises in name order, from one index: the link row keeps a
-- copy of the enterprise's name, so GET /enterprises?chain_id=C&sort=name
-- walks (chain_id, sort_name, enterprise_id) and stops after a page, where
-- it read every enterprise on the chain and sorted them (8,643 rows for a
-- page of 50 on the province's biggest chain; docs/performance.md,
-- finding 14).  The filter declares the copy (x-lj-drive in
-- enterprises.json); these triggers keep it, whoever writes the rows.
ALTER TABLE enterprise_chains ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
UPDATE enterprise_chains SET sort_name = (SELECT e.name FROM enterprises e WHERE e.id = enterprise_chains.enterprise_id);
CREATE INDEX enterprise_chains_name_idx ON enterprise_chains (chain_id, sort_name, enterprise_id);

CREATE TRIGGER enterprise_chains_sort_ai AFTER INSERT ON enterprise_chains BEGIN
  UPDATE enterprise_chains SET sort_name = (SELECT e.name FROM enterprises e WHERE e.id = new.enterprise_id)
    WHERE enterprise_id = new.enterprise_id AND chain_id = new.chain_id;
END;
CREATE TRIGGER enterprise_chains_sort_au AFTER UPDATE OF enterprise_id ON enterprise_chains BEGIN
  UPDATE enterprise_chains SET sort_name = (SELECT e.name FROM enterprises e WHERE e.id = new.enterprise_id)
    WHERE enterprise_id = new.enterprise_id AND chain_id = new.chain_id;
END;
CREATE TRIGGER enterprises_sort_name_au AFTER UPDATE OF name ON enterprises BEGIN
  UPDATE enterprise_chains SET sort_name = new.name WHERE enterprise_id = new.id;
END;
