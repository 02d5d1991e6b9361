-- wrk script for benchmarks/server/load.sh: POST /v1/batch with WF_EVENTS events a request
-- (default 100), every messageId unique, customers drawn from a pool of WF_CUSTOMERS anonymous
-- ids (default 50,000) so stitching and new customers are part of the work. The key comes as the
-- HTTP Basic user name (WF_BASIC holds base64 of "KEY:"), as Segment's SDKs send it.
-- done() prints one JSON line: requests answered 200 and otherwise, and latency percentiles.

local events = tonumber(os.getenv("WF_EVENTS") or "100")
-- Several wrk processes (one per server process) keep their messageIds apart with WF_PREFIX.
local prefix = os.getenv("WF_PREFIX") or "t"
local pool = tonumber(os.getenv("WF_CUSTOMERS") or "50000")
local names = { "Product Viewed", "Product List Filtered", "Checkout Step Viewed", "Order Completed", "Social Post Clicked" }
local threads = {}
local counter = 0
acked = 0
refused = 0

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Basic " .. os.getenv("WF_BASIC")
end

function request()
    counter = counter + 1
    local parts = {}
    for i = 1, events do
        local customer = (counter * 7919 + i * 104729 + id * 13) % pool
        parts[i] = string.format(
            '{"type":"track","event":"%s","anonymousId":"anon-%d","messageId":"%s%d-r%d-e%d","timestamp":"2026-05-01T12:%02d:%02dZ","context":{"channel":"web"},"properties":{"url":"/products/p%d","step":%d}}',
            names[(i % #names) + 1], customer, prefix, id, counter, i, counter % 60, i % 60, i, i % 4)
    end
    return wrk.format(nil, "/v1/batch", nil, '{"batch":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, headers, body)
    if status == 200 then acked = acked + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
    local ok, bad = 0, 0
    for _, thread in ipairs(threads) do
        ok = ok + thread:get("acked")
        bad = bad + thread:get("refused")
    end
    local errors = summary.errors
    io.write(string.format(
        'WF_RESULT {"requests": %d, "acknowledged_requests": %d, "refused_requests": %d, "events_per_request": %d, "duration_seconds": %.3f, ' ..
        '"latency_ms": {"p50": %.2f, "p90": %.2f, "p99": %.2f, "max": %.2f}, "socket_errors": %d}\n',
        summary.requests, ok, bad, events, summary.duration / 1e6,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        errors.connect + errors.read + errors.write + errors.timeout))
end
