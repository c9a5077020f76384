-- examples/wrk-histogram.lua — make wrk write its exact latency histogram for `rigor import`.
--
--   RIGOR_WRK_OUT=run1.json wrk -t2 -c100 -d30s -s examples/wrk-histogram.lua URL
--   rigor import run1.json --concurrency 100 -o results.json
--
-- wrk keeps every latency it measures as a count per microsecond and prints only a few
-- percentiles of it. Its done() hook receives the whole table; this script writes it out as
-- JSON (format "rigor-wrk-histogram", version 1) with the run's totals: duration (us),
-- requests, bytes, the five error counts, and the histogram as [value_us, count] pairs.
-- The file goes to $RIGOR_WRK_OUT, or ./wrk-histogram.json. wrk's own report still goes to
-- stdout, unchanged.
--
-- wrk corrects its histogram for coordinated omission before done() runs (it adds
-- synthetic samples at multiples of the expected interval), so the histogram holds more
-- values than there were requests. Given the connection count (--concurrency, which a
-- plan always knows), `rigor import` undoes that correction exactly and keeps the measured
-- requests; without it, it keeps wrk's corrected histogram and says so.
--
-- Cost: wrk hands out the histogram one distinct value at a time, each call scanning from the
-- minimum, so done() takes (distinct values) x (range in us) steps: well under a second for
-- runs whose latencies spread over milliseconds.

local threads = 0

function setup(thread)
   threads = threads + 1
end

local function json_string(s)
   s = string.gsub(s, '[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
   end)
   return '"' .. s .. '"'
end

function done(summary, latency, requests)
   local path = os.getenv("RIGOR_WRK_OUT") or "wrk-histogram.json"
   local f = assert(io.open(path, "w"))
   local url = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port .. wrk.path
   local e = summary.errors
   f:write('{"format": "rigor-wrk-histogram", "version": 1,\n')
   f:write(' "url": ', json_string(url), ', "threads": ', threads, ',\n')
   f:write(string.format(' "duration_us": %d, "requests": %d, "bytes": %d,\n',
                         summary.duration, summary.requests, summary.bytes))
   f:write(string.format(' "errors": {"connect": %d, "read": %d, "write": %d, ' ..
                         '"status": %d, "timeout": %d},\n',
                         e.connect, e.read, e.write, e.status, e.timeout))
   f:write(string.format(' "latency_us": {"min": %d, "max": %d, "mean": %.6f, ' ..
                         '"stdev": %.6f},\n',
                         latency.min, latency.max, latency.mean, latency.stdev))
   f:write(' "histogram": [')
   local n = #latency
   for i = 1, n do
      local value, count = latency(i)
      f:write(string.format('[%d, %d]', value, count))
      if i < n then
         f:write(i % 8 == 0 and ',\n  ' or ', ')
      end
   end
   f:write(']}\n')
   f:close()
end
