#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""nginx in front (issue 9, item 7): Debian's nginx runs config/nginx/lianjian.conf,
rendered with loopback test ports and private paths, in front of the real
`lianjian`.  Shows: normal traffic passes (reads, a write, with the
caller's token); smuggling shapes (CL+TE, two Content-Length, two Host,
whitespace before the colon, obs-fold) get 400 at nginx and never reach
Lianjian; a 2 MiB body gets 413 at nginx; a login flood gets 429 after the
burst; upstream keep-alive means 200 client connections open only a few
backend connections.  Skipped (exit 77) when nginx is not installed.
Usage: test-nginx.py LIANJIAN SOURCE_DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'durability'))
from ljslow import Server, Checks, log, raw, status_of, free_port  # noqa: E402

SRC = sys.argv[2] if len(sys.argv) > 2 else os.environ.get('LJ_SOURCE_DIR', '.')
NGINX = shutil.which('nginx') or '/usr/sbin/nginx'
c = Checks()


def render(site, backend_port, port, prefix):
    subs = [
        (r'server 127\.0\.0\.1:8080;', 'server 127.0.0.1:%d;' % backend_port),
        (r'listen 80;', 'listen 127.0.0.1:%d;' % port),
        (r'listen \[::\]:80;', ''),
        (r'/var/log/nginx/lianjian\.access\.log', os.path.join(prefix, 'access.log')),
        (r'/var/log/nginx/lianjian\.error\.log', os.path.join(prefix, 'error.log')),
    ]
    for pat, rep in subs:
        site, n = re.subn(pat, rep, site)
        if n != 1:
            raise RuntimeError('config/nginx/lianjian.conf: expected one %r' % pat)
    main = ('daemon off;\nworker_processes 1;\npid %(p)s/nginx.pid;\nerror_log %(p)s/error.log;\n'
            'events { worker_connections 512; }\n'
            'http {\n  client_body_temp_path %(p)s/body;\n  proxy_temp_path %(p)s/proxy;\n'
            '  fastcgi_temp_path %(p)s/fcgi;\n  uwsgi_temp_path %(p)s/uwsgi;\n  scgi_temp_path %(p)s/scgi;\n'
            '  include %(p)s/site.conf;\n}\n') % {'p': prefix}
    with open(os.path.join(prefix, 'site.conf'), 'w') as f:
        f.write(site)
    with open(os.path.join(prefix, 'nginx.conf'), 'w') as f:
        f.write(main)


def backend_accepted(srv):
    import json
    st, _, body = srv.request('GET', '/api/v1/health', auth=False)
    return json.loads(body)['server']['accepted']


def main():
    if not os.path.exists(NGINX):
        log('SKIP: nginx is not installed (apt-get install nginx-light)')
        sys.exit(77)
    with open(os.path.join(SRC, 'config', 'nginx', 'lianjian.conf')) as f:
        site = f.read()
    srv = Server(demo=True, conf='[server]\nlog_requests = true\n')
    srv.make_admin()
    srv.start()
    subprocess.run(['lianjian' if False else sys.argv[1], 'user', 'add', 'flood', '--role', 'viewer',
                    '--password-stdin', '--db', srv.db], input='a long enough password', text=True,
                   capture_output=True, timeout=60)
    prefix = tempfile.mkdtemp(prefix='lianjian-nginx-')
    port = free_port()
    render(site, srv.port, port, prefix)
    t = subprocess.run([NGINX, '-t', '-p', prefix, '-c', os.path.join(prefix, 'nginx.conf')],
                       capture_output=True, text=True)
    c.ok(t.returncode == 0, 'nginx -t accepts the rendered config/nginx/lianjian.conf' + ('' if t.returncode == 0
                                                                                        else ': ' + t.stderr))
    ng = subprocess.Popen([NGINX, '-p', prefix, '-c', os.path.join(prefix, 'nginx.conf')],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if status_of(raw(port, b'GET /api/v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 1)) == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        auth = ('Authorization: Bearer %s\r\n' % srv.token).encode()
        # Normal traffic.
        r = raw(port, b'GET /api/v1/chains?limit=2 HTTP/1.1\r\nHost: park\r\n' + auth + b'Connection: close\r\n\r\n')
        c.ok(status_of(r) == 200 and b'"items"' in r, 'an authenticated list passes through nginx (200)')
        body = b'{"name":"Through nginx"}'
        r = raw(port, b'POST /api/v1/chains HTTP/1.1\r\nHost: park\r\n' + auth +
                b'Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n' % len(body) + body)
        c.ok(status_of(r) == 201, 'a write passes through nginx (201)')
        # Smuggling shapes, each with a second request that must never run.
        smuggled = b'GET /api/v1/users?smuggled=1 HTTP/1.1\r\nHost: evil\r\n' + auth + b'\r\n'
        shapes = {
            'CL+TE': b'POST /api/v1/chains HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n'
                     b'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + smuggled,
            'two Content-Length': b'POST /api/v1/chains HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n'
                                  b'Content-Length: %d\r\n\r\n' % len(smuggled) + smuggled,
            'two Host': b'GET /api/v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' + smuggled,
            'space before colon': b'POST /api/v1/chains HTTP/1.1\r\nHost: a\r\nContent-Length : %d\r\n\r\n'
                                  % len(smuggled) + smuggled,
            'obs-fold': b'GET /api/v1/health HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n b\r\n\r\n' + smuggled,
        }
        for name, data in shapes.items():
            r = raw(port, data)
            c.ok(status_of(r) == 400 and r.count(b'HTTP/1.1 ') == 1,
                 '%s: 400 at nginx, one response (%d, %d responses)' % (name, status_of(r), r.count(b'HTTP/1.1 ')))
        # Oversized body.
        big = b'{"name":"' + b'x' * (2 * 1024 * 1024) + b'"}'
        r = raw(port, b'POST /api/v1/chains HTTP/1.1\r\nHost: a\r\n' + auth +
                b'Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n' % len(big) + big)
        c.ok(status_of(r) == 413, 'a 2 MiB body: 413 at nginx (%d)' % status_of(r))
        # Upstream keep-alive: 200 client connections, few backend ones.
        before = backend_accepted(srv)
        oks = 0
        for _ in range(200):
            oks += status_of(raw(port, b'GET /api/v1/chains?limit=1 HTTP/1.1\r\nHost: a\r\n' + auth +
                                 b'Connection: close\r\n\r\n')) == 200
            time.sleep(0.01)   # under the api zone's 50 r/s with its burst
        opened = backend_accepted(srv) - before
        c.ok(oks == 200, '200 proxied requests answered (%d)' % oks)
        c.ok(opened <= 20, 'upstream keep-alive: 200 client connections opened %d backend connections' % opened)
        # Login flood (last: it fills the login zone).
        login = b'{"username":"flood","password":"wrong password!!"}'
        codes = []
        for _ in range(10):
            codes.append(status_of(raw(port, b'POST /api/v1/auth/login HTTP/1.1\r\nHost: a\r\n'
                                             b'Content-Type: application/json\r\nContent-Length: %d\r\n'
                                             b'Connection: close\r\n\r\n' % len(login) + login)))
        log('login flood: %s' % codes)
        c.ok(codes.count(429) >= 5 and 429 not in codes[:4], 'a login flood: 429 after the burst (%s)' % codes)
    finally:
        ng.terminate()
        ng.wait(10)
        srv.stop()
    with open(os.path.join(srv.dir, 'server.log'), 'rb') as f:
        backend_log = f.read()
    c.ok(b'smuggled' not in backend_log and b'/api/v1/users' not in backend_log,
         'no smuggled request reached Lianjian (its request log)')
    c.ok(b'Through nginx' not in backend_log, 'the backend log holds no bodies')
    shutil.rmtree(prefix, ignore_errors=True)
    c.exit()


if __name__ == '__main__':
    main()
