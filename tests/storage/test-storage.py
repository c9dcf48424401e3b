#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Busy and broken storage (issue 9, T7/T8) against the real `lianjian`:
  1. another process holds BEGIN IMMEDIATE on the database longer than
     [store] busy_timeout: concurrent writers get 201 or 503 with
     Retry-After, never a 500; reads keep answering 200; once the lock is
     gone writes succeed and every 201 is in the database;
  2. a full disk (the database on a small tmpfs, the rest filled by a file):
     writes get 507 (or 503), never 500, reads 200; the data written before
     stays intact (integrity_check ok, every acknowledged row present); after
     space is freed writes succeed again;
  3. a database on a read-only mount, a directory that does not exist and a
     path that is a directory: `serve` exits non-zero within 5 s with a
     message naming the file.
Parts 2 and 3 need `mount` (root); without it they are skipped and say so.
Usage: test-storage.py LIANJIAN"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'durability'))
from ljslow import Server, Checks, log, LIANJIAN  # noqa: E402

c = Checks()


def post_chain(srv, name, timeout=15):
    try:
        st, h, body = srv.request('POST', '/api/v1/chains', {'name': name}, timeout=timeout)
    except OSError as e:
        return 0, {}, str(e).encode()
    return st, h, body


def part_busy():
    srv = Server(demo=True, conf='[store]\nbusy_timeout = 1000\n[server]\nlog_requests = false\n')
    srv.make_admin()
    srv.start()
    # Another process's write lock (this one's, through Python's sqlite3).
    holder = sqlite3.connect(srv.db, isolation_level=None, timeout=5)
    holder.execute('BEGIN IMMEDIATE')
    results = []
    reads = []

    def writer(w):
        for i in range(4):
            t = time.monotonic()
            st, h, body = post_chain(srv, 'busy-%d-%d' % (w, i))
            results.append((st, h.get('Retry-After'), body, round(time.monotonic() - t0, 2), round(time.monotonic() - t, 2)))

    def reader():
        for _ in range(10):
            t = time.monotonic()
            st, _, _ = srv.request('GET', '/api/v1/chains?limit=1', timeout=10)
            reads.append((st, round(time.monotonic() - t, 2)))
            time.sleep(0.2)
    t0 = time.monotonic()
    ts = [threading.Thread(target=writer, args=(w,)) for w in range(4)] + [threading.Thread(target=reader)]
    for t in ts:
        t.start()
    time.sleep(3.0)
    holder.execute('COMMIT')
    holder.close()
    for t in ts:
        t.join(60)
    after = post_chain(srv, 'busy-after')
    statuses = [r[0] for r in results]
    log('busy: %d writes while locked for 3 s -> %s in %.1f s; reads %s; after the lock: %d'
        % (len(results), {s: statuses.count(s) for s in set(statuses)}, time.monotonic() - t0, reads, after[0]))
    log('busy: writes (status, Retry-After, at, took): %s' % [(r[0], r[1], r[3], r[4]) for r in results])
    c.ok(all(s in (201, 503) for s in statuses), 'writers got 201 or 503, never a 500 (%s)' % sorted(set(statuses)))
    c.ok(statuses.count(503) > 0, 'the lock really blocked writers (503s seen)')
    c.ok(all(r[1] for r in results if r[0] == 503), 'every 503 carries Retry-After')
    c.ok({r[0] for r in reads} == {200}, 'reads answered 200 while the lock was held')
    c.ok(after[0] == 201, 'writes succeed once the lock is gone')
    acked = [json.loads(r[2])['id'] for r in results if r[0] == 201] + [json.loads(after[2])['id']]
    db = sqlite3.connect(srv.db)
    present = {row[0] for row in db.execute('SELECT id FROM chains')}
    db.close()
    c.ok(all(a in present for a in acked), 'every acknowledged write is in the database (%d)' % len(acked))
    srv.stop()


def can_mount(d):
    r = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', d], capture_output=True)
    return r.returncode == 0


def part_full_disk():
    mnt = tempfile.mkdtemp(prefix='lianjian-full-')
    if not can_mount(mnt):
        log('SKIP full disk: cannot mount a tmpfs here (not root?)')
        os.rmdir(mnt)
        return
    try:
        srv = Server(workdir=mnt, demo=False, conf='[server]\nlog_requests = false\n')
        srv.make_admin()
        srv.start()
        acked = []
        for i in range(20):
            st, _, body = post_chain(srv, 'before-full-%d' % i)
            if st == 201:
                acked.append(json.loads(body)['id'])
        # Fill the file system, leaving a few KiB.
        filler = os.path.join(mnt, 'filler')
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b'\0' * 4096)
        except OSError:
            pass
        os.close(fd)
        statuses = []
        for i in range(60):
            st, h, body = post_chain(srv, 'full-%d-' % i + 'x' * 90)
            statuses.append(st)
            if st == 201:
                acked.append(json.loads(body)['id'])
        rd, _, _ = srv.request('GET', '/api/v1/chains?limit=5')
        hl, _, _ = srv.request('GET', '/api/v1/health', auth=False)
        log('full disk: 60 writes -> %s; read %d; health %d' % ({s: statuses.count(s) for s in set(statuses)}, rd, hl))
        c.ok(all(s in (201, 503, 507) for s in statuses), 'writes on a full disk: 201/507/503, never 500 (%s)'
             % sorted(set(statuses)))
        c.ok(507 in statuses or 503 in statuses, 'the full disk was noticed (507 or 503)')
        c.ok(rd == 200, 'reads still answer 200')
        os.unlink(filler)
        time.sleep(0.2)
        st, _, body = post_chain(srv, 'after-space-freed')
        c.ok(st in (201, 503), 'after space is freed a write is answered %d (201, or 503 if the service '
             'marked itself unhealthy)' % st)
        if st == 201:
            acked.append(json.loads(body)['id'])
        srv.stop()
        db = sqlite3.connect(srv.db)
        integrity = db.execute('PRAGMA integrity_check').fetchall()
        present = {row[0] for row in db.execute('SELECT id FROM chains')}
        db.close()
        c.ok(integrity == [('ok',)], 'integrity_check ok after the full disk (%s)' % integrity[:2])
        c.ok(all(a in present for a in acked), 'all %d acknowledged writes present' % len(acked))
    finally:
        subprocess.run(['umount', '-l', mnt])
        os.rmdir(mnt)


def expect_fast_failure(what, db, extra_args=()):
    t = time.monotonic()
    try:
        r = subprocess.run([LIANJIAN, 'serve', '--db', db, '--listen', '127.0.0.1:0'] + list(extra_args),
                           capture_output=True, text=True, timeout=10)
        rc, err = r.returncode, r.stderr + r.stdout
    except subprocess.TimeoutExpired:
        rc, err = None, 'still running after 10 s'
    dt = time.monotonic() - t
    name = os.path.basename(db.rstrip('/'))
    c.ok(rc not in (0, None) and dt < 5 and name in err,
         '%s: exits %s in %.2f s naming the file: %s' % (what, rc, dt, err.strip().splitlines()[-1:] if err else ''))


def part_unwritable():
    d = tempfile.mkdtemp(prefix='lianjian-nodir-')
    expect_fast_failure('database in a missing directory', os.path.join(d, 'missing', 'park.db'))
    os.mkdir(os.path.join(d, 'dir.db'))
    expect_fast_failure('database path is a directory', os.path.join(d, 'dir.db'))
    mnt = tempfile.mkdtemp(prefix='lianjian-ro-')
    if not can_mount(mnt):
        log('SKIP read-only database: cannot mount a tmpfs here (not root?)')
        return
    try:
        db = os.path.join(mnt, 'park.db')
        subprocess.run([LIANJIAN, 'migrate', '--db', db], capture_output=True, timeout=30)
        c.ok(os.path.exists(db), 'a database made for the read-only case')
        subprocess.run(['mount', '-o', 'remount,ro', mnt], check=True)
        expect_fast_failure('database on a read-only mount', db)
        # A read-only database alone (root ignores file modes, so the mount
        # is what makes it unwritable).
    finally:
        subprocess.run(['umount', '-l', mnt])
        os.rmdir(mnt)


def main():
    part_busy()
    part_full_disk()
    part_unwritable()
    c.exit()


if __name__ == '__main__':
    main()
