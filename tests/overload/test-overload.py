#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Overload, slow clients and connection churn (issue 9, T6; anchors G1-G3)
against the real `lianjian` binary:
  1. 100,000 short-lived connections (half: open, one request, close; half:
     open, nothing, close) leave the fd count where it started and grow RSS
     by less than 5 MB;
  2. an idle connection is closed after [server] idle_timeout;
  3. a client trickling its headers is cut off;
  4. with the fd limit exhausted by idle connections (RLIMIT_NOFILE lowered
     with prlimit), the server accepts again once they are gone;
  5. a flood of 1 MiB bodies does not grow memory;
and a normal client sends GET /api/v1/health every 50 ms throughout and must
always be answered (except while every fd is taken, phase 4).
Usage: test-overload.py LIANJIAN [CONNECTIONS]"""
import multiprocessing
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'durability'))
from ljslow import Server, Checks, log, raw, status_of  # noqa: E402

N = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get('LJ_OVERLOAD_CONNECTIONS', '100000'))
IDLE = 2
c = Checks()


class Prober(threading.Thread):
    """The normal client."""

    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv, self.stop, self.paused = srv, threading.Event(), threading.Event()
        self.ok = self.failed = 0
        self.failures = []
        self.worst = 0.0

    def run(self):
        while not self.stop.is_set():
            if not self.paused.is_set():
                t = time.monotonic()
                try:
                    st, _, _ = self.srv.request('GET', '/api/v1/health', auth=False, timeout=3)
                except OSError as e:
                    st = str(e)
                dt = time.monotonic() - t
                if st == 200:
                    self.ok += 1
                    self.worst = max(self.worst, dt)
                elif not self.paused.is_set():
                    self.failed += 1
                    self.failures.append(st)
            time.sleep(0.05)


def churn(port, n, with_request):
    req = b'GET /api/v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
    bad = 0
    for _ in range(n):
        s = socket.socket()
        try:
            s.connect(('127.0.0.1', port))
            if with_request:
                s.sendall(req)
                data = s.recv(4096)
                if not data.startswith(b'HTTP/1.1 200'):
                    bad += 1
        except OSError:
            bad += 1
        finally:
            s.close()
    return bad


def settle(srv, want, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if srv.fds() <= want:
            return True
        time.sleep(0.1)
    return False


def phase_churn(srv, prober):
    # Warm up: allocator arenas, statement caches, libsoup pools.
    churn(srv.port, 2000, True)
    churn(srv.port, 2000, False)
    time.sleep(1.2)
    fd0, rss0 = srv.fds(), srv.rss_kib()
    t0 = time.monotonic()
    # Two client processes (the GIL would make threads the bottleneck).
    with multiprocessing.Pool(2) as pool:
        results = pool.starmap(churn, [(srv.port, N // 8, w % 2 == 0) for w in range(8)])
    dt = time.monotonic() - t0
    settled = settle(srv, fd0, 10)
    fd1, rss1 = srv.fds(), srv.rss_kib()
    log('churn: %d connections in %.1f s (%.0f/s); %d failed; fds %d -> %d; RSS %d -> %d KiB'
        % (N, dt, N / dt, sum(results), fd0, fd1, rss0, rss1))
    c.ok(sum(results) == 0, 'every one of the %d requests was answered 200' % (N // 2))
    c.ok(settled and fd1 <= fd0, 'fd count back to where it started (%d -> %d)' % (fd0, fd1))
    c.ok(rss1 - rss0 < 5 * 1024, 'RSS grew by less than 5 MB (%+d KiB)' % (rss1 - rss0))


def phase_idle(srv):
    s = socket.create_connection(('127.0.0.1', srv.port))
    s.settimeout(IDLE + 5)
    t = time.monotonic()
    try:
        data = s.recv(1)
    except OSError:
        data = None
    dt = time.monotonic() - t
    s.close()
    c.ok(data == b'' and dt < IDLE + 1.5, 'a silent connection is closed after %.1f s (idle_timeout %d s)' % (dt, IDLE))
    # A keep-alive connection: a second request on it is answered, and it is
    # closed idle_timeout after the last answer (not at once, not never).
    s = socket.create_connection(('127.0.0.1', srv.port))
    s.settimeout(IDLE + 5)
    req = b'GET /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\n'
    got = b''
    answers = 0
    closed_at = None
    t = time.monotonic()
    try:
        for _ in range(2):
            s.sendall(req)
            while got.count(b'HTTP/1.1 200') <= answers:
                b = s.recv(65536)
                if not b:
                    raise OSError('closed')
                got += b
            answers += 1
            t = time.monotonic()
            time.sleep(0.1)
        while s.recv(65536):
            pass
        closed_at = time.monotonic() - t
    except OSError:
        pass
    s.close()
    c.ok(answers == 2, 'two requests on one keep-alive connection are both answered (%d answered)' % answers)
    c.ok(closed_at is not None and IDLE - 0.6 < closed_at < IDLE + 1.5,
         'an idle keep-alive connection is closed after idle_timeout (%s s after its last answer)'
         % ('%.1f' % closed_at if closed_at is not None else 'n/a'))


def phase_trickle(srv):
    s = socket.create_connection(('127.0.0.1', srv.port))
    s.settimeout(1)
    head = b'GET /api/v1/health HTTP/1.1\r\nHost: a\r\n' + b'X-Slow: ' + b'a' * 400
    t = time.monotonic()
    cut = False
    for i in range(len(head)):
        try:
            s.sendall(head[i:i + 1])
        except OSError:
            cut = True
            break
        try:
            if s.recv(1) == b'':
                cut = True
                break
        except socket.timeout:
            pass
        except OSError:
            cut = True
            break
        if time.monotonic() - t > 30:
            break
    dt = time.monotonic() - t
    s.close()
    c.ok(cut and dt < 4 * IDLE + 3, 'a header trickler (1 byte/s) is cut off after %.1f s' % dt)


def phase_bodies(srv):
    big = b'{"name":"' + b'x' * (1024 * 1024 - 20) + b'"}'
    over = b'POST /api/v1/chains HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n' \
           b'Content-Length: 67108864\r\nConnection: close\r\n\r\n'
    hdr = ('POST /api/v1/chains HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n'
           'Content-Length: %d\r\nConnection: close\r\n\r\n' % (srv.token, len(big))).encode()

    def flood(k, out):
        for _ in range(k):
            out.append(status_of(raw(srv.port, hdr + big, timeout=10)))
            out.append(status_of(raw(srv.port, over, timeout=10)))
    warm = []
    flood(4, warm)
    rss0 = srv.rss_kib()
    statuses = []
    ts = [threading.Thread(target=flood, args=(25, statuses)) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    rss1 = srv.rss_kib()
    log('bodies: %d requests (1 MiB bodies, 64 MiB announced); statuses %s; RSS %d -> %d KiB'
        % (len(statuses), sorted(set(statuses)), rss0, rss1))
    c.ok(all(400 <= s < 500 for s in statuses), 'every large body refused with a 4xx (%s)' % sorted(set(statuses)))
    c.ok(rss1 - rss0 < 5 * 1024, 'RSS grew by less than 5 MB over the flood (%+d KiB)' % (rss1 - rss0))


def phase_fd_exhaustion(prober):
    # Its own server: the fd limit is lowered for it alone (soft = hard, so
    # the command's raise to the hard limit changes nothing).
    srv = Server(demo=False, conf='[server]\nmax_connections = 100000\nidle_timeout = 5\n',
                 prefix=['prlimit', '--nofile=96:96'])
    srv.start()
    socks = []
    prober.paused.set()
    for _ in range(200):
        try:
            s = socket.create_connection(('127.0.0.1', srv.port), timeout=2)
            socks.append(s)
        except OSError:
            break
    time.sleep(1.0)
    fds_full = srv.fds()
    for s in socks:
        s.close()
    t = time.monotonic()
    answered = None
    while time.monotonic() - t < 10:
        try:
            st, _, _ = srv.request('GET', '/api/v1/health', auth=False, timeout=1)
            if st == 200:
                answered = time.monotonic() - t
                break
        except OSError:
            pass
        time.sleep(0.05)
    prober.paused.clear()
    alive = srv.proc.poll() is None
    log('fd exhaustion: %d idle connections opened against RLIMIT_NOFILE 96 (server at %d fds)'
        % (len(socks), fds_full))
    c.ok(fds_full >= 90, 'the server really ran out of fds (%d of 96)' % fds_full)
    c.ok(alive and answered is not None, 'it accepts again %.2f s after the clients went' % (answered or -1))
    srv.stop()


def main():
    srv = Server(demo=True, conf='[server]\nidle_timeout = %d\nmax_connections = 4096\nlog_requests = false\n' % IDLE)
    srv.make_admin()
    srv.start()
    prober = Prober(srv)
    prober.start()
    t0 = time.monotonic()
    phase_churn(srv, prober)
    phase_idle(srv)
    phase_trickle(srv)
    phase_bodies(srv)
    phase_fd_exhaustion(prober)
    prober.stop.set()
    prober.join()
    log('normal client: %d answers, %d failures %s, slowest %.3f s; whole test %.1f s'
        % (prober.ok, prober.failed, prober.failures[:5], prober.worst, time.monotonic() - t0))
    c.ok(prober.failed == 0 and prober.ok > 50, 'the normal client was answered throughout')
    c.ok(srv.proc.poll() is None, 'the server is alive')
    srv.stop()
    c.exit()


if __name__ == '__main__':
    main()
