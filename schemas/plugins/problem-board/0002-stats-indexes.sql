-- SPDX-License-Identifier: GPL-3.0-or-later
-- The problem_board section of /stats/overview (problem-board-stats.c)
-- reads these indexes and never a problem or project row: a problem row
-- carries its texts (about 500 bytes), so counting over the table read
-- 10 MB at province scale (20,000 problems).
--
-- Problems posted (submitted) per chain, in a period.
CREATE INDEX problem_board_problems_posted_idx ON problem_board_problems (chain_id, submitted_at);
-- The states the section counts now, and when they closed (unsolved in a
-- period): a few thousand entries, where the problems are mostly solved,
-- withdrawn or rejected.  The statement names this same list.
CREATE INDEX problem_board_problems_state_idx ON problem_board_problems (state, chain_id, closed_at)
  WHERE state IN ('open', 'in_progress', 'on_hold', 'delivered', 'unsolved');
-- The solved problems per chain with the days each took: the medians read
-- them here instead of parsing two timestamps per problem on every request
-- (julianday () was most of the cost).  The expression is the one the
-- statement uses, so SQLite takes its value from the index.  The
-- timestamps are those the state machine stamps, never 'now', which an
-- index expression may not use.
CREATE INDEX problem_board_problems_solved_idx ON problem_board_problems
  (chain_id, (julianday (solved_at) - julianday (submitted_at)), solved_at, submitted_at, team_id)
  WHERE state = 'solved';
-- Projects back on track in a period and lagging now, per chain.
CREATE INDEX problem_board_projects_stats_idx ON problem_board_projects (chain_id, status, back_on_track_on);
