-- SPDX-License-Identifier: GPL-3.0-or-later
-- Coverage kept on the enterprise, when an organisation takes it in or lets
-- it go, instead of an EXISTS probe per enterprise in every list, filter and
-- statistic (docs/performance.md: the filtered list and the coverage
-- figures at province scale).
ALTER TABLE enterprises ADD COLUMN covered INTEGER NOT NULL DEFAULT 0 CHECK (covered IN (0, 1));
UPDATE enterprises SET covered = EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = enterprises.id);
CREATE TRIGGER organization_enterprises_covered_ai AFTER INSERT ON organization_enterprises BEGIN
  UPDATE enterprises SET covered = 1 WHERE id = new.enterprise_id AND covered = 0;
END;
CREATE TRIGGER organization_enterprises_covered_ad AFTER DELETE ON organization_enterprises BEGIN
  UPDATE enterprises SET covered = EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = old.enterprise_id)
    WHERE id = old.enterprise_id;
END;
CREATE TRIGGER organization_enterprises_covered_au AFTER UPDATE OF enterprise_id ON organization_enterprises BEGIN
  UPDATE enterprises SET covered = EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = old.enterprise_id)
    WHERE id = old.enterprise_id;
  UPDATE enterprises SET covered = 1 WHERE id = new.enterprise_id AND covered = 0;
END;

-- The coverage figures read only indexes: the park's eligible enterprises
-- by status, and a chain's by id (the statistics join a chain's
-- enterprise ids to this one instead of reading 8,000 table rows).
DROP INDEX enterprises_status_idx;
CREATE INDEX enterprises_status_idx ON enterprises (status, ownership, three_haves, covered);
CREATE INDEX enterprises_eligible_idx ON enterprises (id, status, ownership, three_haves, covered);

-- Members by status: the probationary count is a short index range, and
-- formal members are the rest.
CREATE INDEX members_status_idx ON members (status);
