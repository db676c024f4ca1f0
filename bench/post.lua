-- wrk: one non-streamed chat completion per request; prints a machine-readable summary line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"mock/fast","messages":[{"role":"user","content":"Hi"}]}'

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("result %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
