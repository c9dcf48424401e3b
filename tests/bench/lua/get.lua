-- SPDX-License-Identifier: GPL-3.0-or-later
-- GET with the benchmark admin's token (LJB_TOKEN), when set.
local token = os.getenv("LJB_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
