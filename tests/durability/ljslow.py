# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the `slow` system tests (issue 9): run the real `lianjian`
binary on a loopback port over a temporary database, talk raw HTTP to it,
read its fd count and memory from /proc.  Loopback only; every wait is
bounded."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

LIANJIAN = os.environ.get('LJ_LIANJIAN') or (sys.argv[1] if len(sys.argv) > 1 else 'lianjian')


def log(*a):
    print(*a, flush=True)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One `lianjian serve` process.  conf: extra [server]/[store] lines."""

    def __init__(self, workdir=None, demo=True, conf='', prefix=None, port=None):
        self.dir = workdir or tempfile.mkdtemp(prefix='lianjian-slow-')
        self.db = os.path.join(self.dir, 'park.db')
        self.port = port or free_port()
        self.demo = demo
        self.conf_path = os.path.join(self.dir, 'lianjian.conf')
        with open(self.conf_path, 'w') as f:
            f.write(conf)
        self.prefix = prefix or []
        self.proc = None
        self.token = None
        self.logf = None

    def make_admin(self, name='admin'):
        out = subprocess.run([LIANJIAN, 'user', 'add', name, '--role', 'admin', '--db', self.db],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError('user add: ' + out.stderr)
        self.token = out.stdout.strip().splitlines()[-1]
        return self.token

    def start(self, wait=True, timeout=20):
        args = self.prefix + [LIANJIAN, 'serve', '--config', self.conf_path, '--db', self.db,
                              '--listen', '127.0.0.1:%d' % self.port]
        if self.demo:
            args.append('--demo')
        self.logf = open(os.path.join(self.dir, 'server.log'), 'ab')
        self.proc = subprocess.Popen(args, stdout=self.logf, stderr=self.logf, stdin=subprocess.DEVNULL)
        self.started_at = time.monotonic()
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('server exited with %s: %s' % (self.proc.returncode, self.log_tail()))
            try:
                st, _, _ = self.request('GET', '/api/v1/health', auth=False, timeout=1)
                if st == 200:
                    return time.monotonic() - self.started_at
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError('server not ready in %d s: %s' % (timeout, self.log_tail()))

    def log_tail(self, n=2000):
        try:
            with open(os.path.join(self.dir, 'server.log'), 'rb') as f:
                return f.read()[-n:].decode('utf-8', 'replace')
        except OSError:
            return ''

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
        if self.logf:
            self.logf.close()
            self.logf = None

    def stop(self):
        self.kill(signal.SIGTERM)

    def request(self, method, path, body=None, auth=True, timeout=10, headers=None, conn=None):
        h = {'Connection': 'close'} if conn is None else {}
        if auth and self.token:
            h['Authorization'] = 'Bearer ' + self.token
        if body is not None:
            h['Content-Type'] = 'application/json'
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
        h.update(headers or {})
        c = conn or http.client.HTTPConnection('127.0.0.1', self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            return r.status, dict(r.getheaders()), data
        finally:
            if conn is None:
                c.close()

    def fds(self):
        return len(os.listdir('/proc/%d/fd' % self.proc.pid))

    def rss_kib(self):
        with open('/proc/%d/status' % self.proc.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        return 0


def raw(port, data, timeout=3.0):
    """Sends bytes on a fresh connection; returns what came back until close or silence."""
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    try:
        s.sendall(data)
        out = b''
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            out += b
        return out
    finally:
        s.close()


def status_of(resp):
    if resp.startswith(b'HTTP/1.') and len(resp) >= 12:
        return int(resp[9:12])
    return 0


class Checks:
    def __init__(self):
        self.failed = 0

    def ok(self, cond, what):
        log(('ok   ' if cond else 'FAIL ') + what)
        if not cond:
            self.failed += 1
        return cond

    def exit(self):
        log('%d check(s) failed' % self.failed if self.failed else 'all checks passed')
        sys.exit(1 if self.failed else 0)
