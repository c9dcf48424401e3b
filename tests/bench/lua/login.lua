-- SPDX-License-Identifier: GPL-3.0-or-later
-- POST /api/v1/auth/login with the benchmark's known password
-- (Argon2id on the server's worker pool).  Environment: LJB_LOGIN_USER,
-- LJB_LOGIN_PASSWORD.
wrk.method = "POST"
wrk.path = "/api/v1/auth/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"username":"%s","password":"%s"}',
                         os.getenv("LJB_LOGIN_USER"), os.getenv("LJB_LOGIN_PASSWORD"))
