-- SPDX-License-Identifier: GPL-3.0-or-later
-- A pool's active_count (pools.json) counts its active entries: with the
-- status in the index the count reads no entry rows (province data: the
-- pool list took 5.5 ms, one row read per entry of every pool listed).
CREATE INDEX talent_pool_entries_status_idx ON talent_pool_entries (pool_id, status);
