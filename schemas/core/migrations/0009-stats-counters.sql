-- SPDX-License-Identifier: GPL-3.0-or-later
-- The figures of GET /stats/overview kept as they change, instead of
-- counted over the province's rows on every request (docs/performance.md,
-- finding 15): a chain's organisations and their members, a chain's
-- eligible and covered enterprises, and sessions and attendances per
-- chain, status and kind.  lj-stats.c reads these when no period is asked
-- for; a period still counts activities in their index.

-- Sessions and attendances by (chain, status, kind); chain 0 is "on no
-- chain".  Rows whose sessions fall to 0 stay, and are not shown.
CREATE TABLE activity_counts (
  chain_id    INTEGER NOT NULL,
  status      TEXT NOT NULL,
  kind        TEXT NOT NULL,
  sessions    INTEGER NOT NULL,
  attendances INTEGER NOT NULL,
  PRIMARY KEY (chain_id, status, kind)
) STRICT, WITHOUT ROWID;
INSERT INTO activity_counts (chain_id, status, kind, sessions, attendances)
  SELECT ifnull (chain_id, 0), status, kind, count(*), sum (attendance_count) FROM activities GROUP BY 1, 2, 3;
CREATE TRIGGER activity_counts_ai AFTER INSERT ON activities BEGIN
  INSERT INTO activity_counts (chain_id, status, kind, sessions, attendances)
    VALUES (ifnull (new.chain_id, 0), new.status, new.kind, 1, new.attendance_count)
    ON CONFLICT DO UPDATE SET sessions = sessions + 1, attendances = attendances + excluded.attendances;
END;
CREATE TRIGGER activity_counts_ad AFTER DELETE ON activities BEGIN
  UPDATE activity_counts SET sessions = sessions - 1, attendances = attendances - old.attendance_count
    WHERE chain_id = ifnull (old.chain_id, 0) AND status = old.status AND kind = old.kind;
END;
-- attendance_count moves with every attendance row (0006-counters.sql):
-- then the activity stays in its group and one UPDATE adds the difference.
CREATE TRIGGER activity_counts_attendance_au AFTER UPDATE OF chain_id, status, kind, attendance_count ON activities
  WHEN old.chain_id IS new.chain_id AND old.status = new.status AND old.kind = new.kind BEGIN
  UPDATE activity_counts SET attendances = attendances + new.attendance_count - old.attendance_count
    WHERE chain_id = ifnull (new.chain_id, 0) AND status = new.status AND kind = new.kind;
END;
CREATE TRIGGER activity_counts_au AFTER UPDATE OF chain_id, status, kind, attendance_count ON activities
  WHEN old.chain_id IS NOT new.chain_id OR old.status <> new.status OR old.kind <> new.kind BEGIN
  UPDATE activity_counts SET sessions = sessions - 1, attendances = attendances - old.attendance_count
    WHERE chain_id = ifnull (old.chain_id, 0) AND status = old.status AND kind = old.kind;
  INSERT INTO activity_counts (chain_id, status, kind, sessions, attendances)
    VALUES (ifnull (new.chain_id, 0), new.status, new.kind, 1, new.attendance_count)
    ON CONFLICT DO UPDATE SET sessions = sessions + 1, attendances = attendances + excluded.attendances;
END;

-- Members and probationary members per organisation.
CREATE TABLE organization_member_counts (
  org_id       INTEGER PRIMARY KEY,
  members      INTEGER NOT NULL,
  probationary INTEGER NOT NULL
) STRICT;
INSERT INTO organization_member_counts (org_id, members, probationary)
  SELECT org_id, count(*), count(*) FILTER (WHERE status = 'probationary') FROM members GROUP BY org_id;
CREATE TRIGGER organization_member_counts_ai AFTER INSERT ON members BEGIN
  INSERT INTO organization_member_counts (org_id, members, probationary)
    VALUES (new.org_id, 1, new.status = 'probationary')
    ON CONFLICT DO UPDATE SET members = members + 1, probationary = probationary + excluded.probationary;
END;
CREATE TRIGGER organization_member_counts_ad AFTER DELETE ON members BEGIN
  UPDATE organization_member_counts SET members = members - 1, probationary = probationary - (old.status = 'probationary')
    WHERE org_id = old.org_id;
END;
CREATE TRIGGER organization_member_counts_au AFTER UPDATE OF org_id, status ON members BEGIN
  UPDATE organization_member_counts SET members = members - 1, probationary = probationary - (old.status = 'probationary')
    WHERE org_id = old.org_id;
  INSERT INTO organization_member_counts (org_id, members, probationary)
    VALUES (new.org_id, 1, new.status = 'probationary')
    ON CONFLICT DO UPDATE SET members = members + 1, probationary = probationary + excluded.probationary;
END;

-- A chain's organisations: its own committees (organizations.chain_id)
-- and those covering an enterprise on it.  refs counts the reasons (one
-- for the chain_id, one per enterprise of the chain it covers); a row goes
-- when the last one does.  Each (link, coverage) pair is counted once and
-- removed with whichever of its two rows goes first, so the cascades of a
-- delete (an organisation's coverage rows) need no special case.
CREATE TABLE chain_organizations (
  chain_id INTEGER NOT NULL,
  org_id   INTEGER NOT NULL,
  refs     INTEGER NOT NULL,
  PRIMARY KEY (chain_id, org_id)
) STRICT, WITHOUT ROWID;
INSERT INTO chain_organizations (chain_id, org_id, refs)
  SELECT chain_id, org_id, count(*) FROM (
    SELECT chain_id, id AS org_id FROM organizations WHERE chain_id IS NOT NULL
    UNION ALL
    SELECT ec.chain_id, oe.org_id FROM organization_enterprises oe JOIN enterprise_chains ec ON ec.enterprise_id = oe.enterprise_id)
  GROUP BY chain_id, org_id;

CREATE TRIGGER chain_organizations_org_ai AFTER INSERT ON organizations WHEN new.chain_id IS NOT NULL BEGIN
  INSERT INTO chain_organizations (chain_id, org_id, refs) VALUES (new.chain_id, new.id, 1)
    ON CONFLICT DO UPDATE SET refs = refs + 1;
END;
CREATE TRIGGER chain_organizations_org_ad AFTER DELETE ON organizations BEGIN
  UPDATE chain_organizations SET refs = refs - 1 WHERE chain_id = old.chain_id AND org_id = old.id;
  DELETE FROM chain_organizations WHERE chain_id = old.chain_id AND org_id = old.id AND refs = 0;
  DELETE FROM organization_member_counts WHERE org_id = old.id;
END;
CREATE TRIGGER chain_organizations_org_au AFTER UPDATE OF chain_id ON organizations BEGIN
  UPDATE chain_organizations SET refs = refs - 1 WHERE chain_id = old.chain_id AND org_id = old.id;
  DELETE FROM chain_organizations WHERE chain_id = old.chain_id AND org_id = old.id AND refs = 0;
  INSERT INTO chain_organizations (chain_id, org_id, refs) SELECT new.chain_id, new.id, 1 WHERE new.chain_id IS NOT NULL
    ON CONFLICT DO UPDATE SET refs = refs + 1;
END;

CREATE TRIGGER chain_organizations_oe_ai AFTER INSERT ON organization_enterprises BEGIN
  INSERT INTO chain_organizations (chain_id, org_id, refs)
    SELECT ec.chain_id, new.org_id, 1 FROM enterprise_chains ec WHERE ec.enterprise_id = new.enterprise_id
    ON CONFLICT DO UPDATE SET refs = refs + 1;
END;
CREATE TRIGGER chain_organizations_oe_ad AFTER DELETE ON organization_enterprises BEGIN
  UPDATE chain_organizations SET refs = refs - 1
    WHERE org_id = old.org_id AND chain_id IN (SELECT ec.chain_id FROM enterprise_chains ec WHERE ec.enterprise_id = old.enterprise_id);
  DELETE FROM chain_organizations WHERE org_id = old.org_id AND refs = 0;
END;
CREATE TRIGGER chain_organizations_oe_au AFTER UPDATE OF org_id, enterprise_id ON organization_enterprises BEGIN
  UPDATE chain_organizations SET refs = refs - 1
    WHERE org_id = old.org_id AND chain_id IN (SELECT ec.chain_id FROM enterprise_chains ec WHERE ec.enterprise_id = old.enterprise_id);
  DELETE FROM chain_organizations WHERE org_id = old.org_id AND refs = 0;
  INSERT INTO chain_organizations (chain_id, org_id, refs)
    SELECT ec.chain_id, new.org_id, 1 FROM enterprise_chains ec WHERE ec.enterprise_id = new.enterprise_id
    ON CONFLICT DO UPDATE SET refs = refs + 1;
END;

CREATE TRIGGER chain_organizations_ec_ai AFTER INSERT ON enterprise_chains BEGIN
  INSERT INTO chain_organizations (chain_id, org_id, refs)
    SELECT new.chain_id, oe.org_id, 1 FROM organization_enterprises oe WHERE oe.enterprise_id = new.enterprise_id
    ON CONFLICT DO UPDATE SET refs = refs + 1;
END;
CREATE TRIGGER chain_organizations_ec_ad AFTER DELETE ON enterprise_chains BEGIN
  UPDATE chain_organizations SET refs = refs - 1
    WHERE chain_id = old.chain_id AND org_id IN (SELECT oe.org_id FROM organization_enterprises oe WHERE oe.enterprise_id = old.enterprise_id);
  DELETE FROM chain_organizations WHERE chain_id = old.chain_id AND refs = 0;
END;
CREATE TRIGGER chain_organizations_ec_au AFTER UPDATE OF enterprise_id, chain_id ON enterprise_chains BEGIN
  UPDATE chain_organizations SET refs = refs - 1
    WHERE chain_id = old.chain_id AND org_id IN (SELECT oe.org_id FROM organization_enterprises oe WHERE oe.enterprise_id = old.enterprise_id);
  DELETE FROM chain_organizations WHERE chain_id = old.chain_id AND refs = 0;
  INSERT INTO chain_organizations (chain_id, org_id, refs)
    SELECT new.chain_id, oe.org_id, 1 FROM organization_enterprises oe WHERE oe.enterprise_id = new.enterprise_id
    ON CONFLICT DO UPDATE SET refs = refs + 1;
END;

-- Coverage on the chain link: whether the enterprise counts towards the
-- rate (active, non-public, 三有) and whether it is covered, copied onto
-- each of its chain rows, so a chain's figures and blank spots are one
-- range of this index instead of a probe per enterprise.
ALTER TABLE enterprise_chains ADD COLUMN eligible INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enterprise_chains ADD COLUMN covered INTEGER NOT NULL DEFAULT 0;
UPDATE enterprise_chains SET (eligible, covered) = (
  SELECT e.status = 'active' AND e.ownership = 'non_public' AND e.three_haves = 1, e.covered
  FROM enterprises e WHERE e.id = enterprise_chains.enterprise_id);
CREATE INDEX enterprise_chains_coverage_idx ON enterprise_chains (chain_id, eligible, covered, enterprise_id);
CREATE TRIGGER enterprise_chains_coverage_ai AFTER INSERT ON enterprise_chains BEGIN
  UPDATE enterprise_chains SET (eligible, covered) = (
    SELECT e.status = 'active' AND e.ownership = 'non_public' AND e.three_haves = 1, e.covered
    FROM enterprises e WHERE e.id = new.enterprise_id)
    WHERE enterprise_id = new.enterprise_id AND chain_id = new.chain_id;
END;
CREATE TRIGGER enterprise_chains_coverage_au AFTER UPDATE OF enterprise_id ON enterprise_chains BEGIN
  UPDATE enterprise_chains SET (eligible, covered) = (
    SELECT e.status = 'active' AND e.ownership = 'non_public' AND e.three_haves = 1, e.covered
    FROM enterprises e WHERE e.id = new.enterprise_id)
    WHERE enterprise_id = new.enterprise_id AND chain_id = new.chain_id;
END;
CREATE TRIGGER enterprises_chain_coverage_au AFTER UPDATE OF status, ownership, three_haves, covered ON enterprises BEGIN
  UPDATE enterprise_chains
    SET eligible = new.status = 'active' AND new.ownership = 'non_public' AND new.three_haves = 1, covered = new.covered
    WHERE enterprise_id = new.id;
END;
