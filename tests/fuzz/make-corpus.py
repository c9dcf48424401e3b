#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into corpus/<target>/ (run once;
the files are kept in the repository).  Byte layouts: see each fuzz-*.c."""
import hashlib, os, sys

here = os.path.dirname(os.path.abspath(__file__))

def put(target, data):
    d = os.path.join(here, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), 'wb') as f:
        f.write(data)

bodies = {
    0: [b'{"name":"Seed chain","code":"SEED"}', b'{"name":""}', b'{"name":"x","name":"y"}'],
    1: [b'{"name":"Seed Co","credit_code":"91310000MA1FL8KQ3T","chains":[{"chain_id":1}]}',
        b'{"name":"Seed Co","chains":[{"chain_id":99999}]}'],
    2: [b'{"name":"Seed branch","kind":"branch","parent_id":2}', b'{"parent_id":null}'],
    3: [b'{"name":"Seed","org_id":3,"gender":"female","phone":"13800000000","birth_date":"1990-01-01"}',
        b'{"org_id":1}'],
    4: [b'{"title":"Seed study","kind":"theory_study","organizer_org_id":3,"starts_at":"2026-11-25T08:00:00Z"}',
        b'{"title":"x","kind":"other","organizer_org_id":3,"starts_at":"2026-11-25T08:00:00+08:00","ends_at":"2026-11-25T07:00:00Z","co_organizer_org_ids":[1,2]}'],
    5: [b'{"title":"t","org_id":9002,"reviewer_org_id":9003}', b'{"state":"open"}'],
    6: [b'{"username":"seed-user","role":"secretary","org_id":3,"password":"a long password"}'],
    7: [b'{"name":"erp","expires_at":"2027-06-30T00:00:00Z"}'],
    8: [b'{"member_id":1}', b'{"member_ids":[1,2,3]}'],
    9: [b'{"current_password":"secretary password 1","new_password":"another long one"}'],
}
for route, lst in bodies.items():
    for body in lst:
        for flags in (0x00, 0x10, 0x40, 0x50):
            put('body', bytes([route | flags, 1]) + body)
for junk in (b'{', b'[]', b'{"a":' + b'[' * 40 + b'1' + b']' * 40 + b'}', b'{"n":1e999}',
             b'{"n":-9223372036854775809}', b'{"s":"\xff\xfe"}', b'{"s":"\\ud800"}', b'\xef\xbb\xbf{}'):
    put('body', bytes([0x03, 1]) + junk)

queries = [b'', b'limit=1', b'limit=500&sort=-id', b'sort=name', b'q=%E9%93%9C', b'q=abc',
           b'cursor=eyJpZCI6MX0', b'org_id=3&status=active', b'kind=theory_study&from=2026-01-01',
           b"q=' OR 1=1 --", b'sort=password_hash', b'phone=138', b'limit=0', b'entity=members&entity_id=1']
for i in range(18):
    for q in queries[:6] + queries[6 + i % 8: 7 + i % 8]:
        put('query', bytes([i]) + q)
for p in (b'/api/v1/chains/1', b'/api/v1/../etc/passwd', b'/api/v1/members/-1', b'/api/v1//chains',
          b'/api/v1/chains/99999999999999999999', b'/api/v1/users/1/tokens/1'):
    put('query', bytes([0xe0]) + p)
    put('query', bytes([0xe5]) + p)

for body in (b'{"username":"fuzz-admin","password":"correct horse battery staple"}',
             b'{"username":"fuzz-admin","password":"wrong password!!"}',
             b'{"username":"nobody","password":"whatever long"}',
             b'{"username":"","password":""}', b'{"username":1}', b'{}', b'{"username":"fuzz-admin"}'):
    put('login', body)

events = [b'{"event":"submit"}', b'{"event":"review"}', b'{"event":"reject","reason":"no"}',
          b'{"event":"publish"}', b'{"event":"solve","outcome":"solved","days":3}',
          b'{"event":"withdraw","note":"n"}', b'{"event":"nope"}', b'{"title":"renamed"}']
for who in range(8):
    for tid in range(5):
        put('transitions', bytes([who, tid]) + events[(who + tid) % len(events)])
put('transitions', bytes([0x80, 0]) + b'{"title":"renamed"}')
put('transitions', bytes([0x81, 0]) + b'{"state":"solved"}')
