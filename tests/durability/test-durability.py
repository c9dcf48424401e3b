#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Durability (issue 9, T5): the real `lianjian` binary under a write load of
two client threads posting activities, SIGKILLed at a random moment 50-400 ms
into each cycle, at least 50 times, and restarted on the same database.
After every kill: every activity acknowledged with a 201 is present with its
title, PRAGMA integrity_check is ok, foreign_key_check is empty, and every
activity row the load wrote (acknowledged or not) has exactly one `create`
audit row, so nothing is half-written.  synchronous = full (the default).
Usage: test-durability.py LIANJIAN [CYCLES]"""
import os
import random
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ljslow import Server, Checks, log  # noqa: E402

CYCLES = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get('LJ_DURABILITY_CYCLES', '50'))
random.seed(int(os.environ.get('LJ_SEED', time.time())))


def writer(srv, cycle, w, acked, stop, org):
    n = 0
    while not stop.is_set():
        n += 1
        title = 'dur-%d-%d-%d' % (cycle, w, n)
        try:
            st, _, body = srv.request('POST', '/api/v1/activities', {
                'title': title, 'kind': 'theory_study', 'organizer_org_id': org,
                'starts_at': '2026-11-25T08:00:00Z'}, timeout=5)
        except OSError:
            return   # killed
        if st == 201:
            import json
            acked.append((json.loads(body)['id'], title))
        elif st >= 500:
            acked.append((-st, title))


def main():
    c = Checks()
    srv = Server(demo=True)
    srv.make_admin()
    srv.start()
    st, _, body = srv.request('GET', '/api/v1/organizations?limit=1')
    import json
    org = json.loads(body)['items'][0]['id']
    all_acked = []
    restarts = []
    t0 = time.monotonic()
    for cycle in range(CYCLES):
        acked = []
        stop = threading.Event()
        ts = [threading.Thread(target=writer, args=(srv, cycle, w, acked, stop, org)) for w in range(2)]
        for t in ts:
            t.start()
        time.sleep(random.uniform(0.05, 0.4))
        srv.kill()
        stop.set()
        for t in ts:
            t.join(10)
        bad = [a for a in acked if a[0] < 0]
        if bad:
            c.ok(False, 'cycle %d: 5xx answers during the load: %s' % (cycle, bad[:5]))
        all_acked += [a for a in acked if a[0] > 0]
        db = sqlite3.connect(srv.db)
        rows = dict(db.execute("SELECT id, title FROM activities WHERE title LIKE 'dur-%'").fetchall())
        missing = [a for a in all_acked if rows.get(a[0]) != a[1]]
        integrity = db.execute('PRAGMA integrity_check').fetchall()
        fk = db.execute('PRAGMA foreign_key_check').fetchall()
        unaudited = db.execute(
            "SELECT count(*) FROM activities a WHERE a.title LIKE 'dur-%' AND "
            "(SELECT count(*) FROM audit u WHERE u.entity = 'activities' AND u.entity_id = a.id "
            " AND u.action = 'create') <> 1").fetchone()[0]
        db.close()
        if missing or integrity != [('ok',)] or fk or unaudited:
            c.ok(False, 'cycle %d: %d acknowledged missing %s, integrity %s, fk %s, %d rows without one audit row'
                 % (cycle, len(missing), missing[:3], integrity[:3], fk[:3], unaudited))
            break
        srv.start(wait=False)
        restarts.append(srv.wait_ready(20))
    srv.stop()
    db = sqlite3.connect(srv.db)
    n_rows = db.execute("SELECT count(*) FROM activities WHERE title LIKE 'dur-%'").fetchone()[0]
    n_audit = db.execute("SELECT count(*) FROM audit WHERE entity = 'activities' AND action = 'create' AND "
                         "entity_id IN (SELECT id FROM activities WHERE title LIKE 'dur-%')").fetchone()[0]
    db.close()
    log('%d kills in %.1f s; %d writes acknowledged, %d rows written (acknowledged or not), %d audit rows; '
        'restart to healthy: max %.2f s, mean %.2f s'
        % (len(restarts), time.monotonic() - t0, len(all_acked), n_rows, n_audit,
           max(restarts or [0]), sum(restarts or [0]) / max(1, len(restarts))))
    c.ok(len(restarts) >= CYCLES, '%d SIGKILL cycles survived (wanted %d)' % (len(restarts), CYCLES))
    c.ok(len(all_acked) > CYCLES, 'the load was real: %d acknowledged writes' % len(all_acked))
    c.ok(n_rows >= len(all_acked) and n_rows == n_audit, 'audit rows = data rows (%d = %d)' % (n_audit, n_rows))
    c.ok(max(restarts or [99]) < 5, 'healthy within 5 s of every restart')
    c.exit()


if __name__ == '__main__':
    main()
