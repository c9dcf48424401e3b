-- SPDX-License-Identifier: GPL-3.0-or-later
-- "Create an activity with attendance": POST /api/v1/activities, then
-- POST /api/v1/activities/{id}/attendance for the activity just created
-- (20 members), alternating.  Every request is one write transaction with
-- its audit row, committed at the server's synchronous setting.
-- Environment: LJB_TOKEN, LJB_ORG_ID, LJB_ATTENDEES (comma-separated ids).
local token = os.getenv("LJB_TOKEN")
local org = os.getenv("LJB_ORG_ID")
local attendees = os.getenv("LJB_ATTENDEES")
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
}
local created = {}   -- ids waiting for their attendance
local n = 0

function request()
  local id = table.remove(created)
  if id then
    return wrk.format("POST", "/api/v1/activities/" .. id .. "/attendance", headers,
                      '{"member_ids":[' .. attendees .. ']}')
  end
  n = n + 1
  local body = string.format('{"title":"基准测试联建活动%d","kind":"joint_building","organizer_org_id":%s,'
    .. '"starts_at":"2026-12-01T02:00:00Z","ends_at":"2026-12-01T04:00:00Z","location":"党群服务中心",'
    .. '"summary":"性能基准测试写入"}', n, org)
  return wrk.format("POST", "/api/v1/activities", headers, body)
end

function response(status, hdrs, body)
  if status == 201 then
    local id = string.match(body, '"id":(%d+)')
    if id then table.insert(created, id) end
  end
end
