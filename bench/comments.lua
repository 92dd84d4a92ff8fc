-- wrk script: POST a comment as one of many logged-in readers (sessions
-- from $BENCH_TOKENS), each body distinct so none is a duplicate.  Runs
-- against the same database set BENCH_RUN to a tag of their own, which
-- keeps the bodies of one run distinct from those of the others.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
	tokens[#tokens + 1] = line
end
local counter = 1
local run = os.getenv("BENCH_RUN") or ""

function setup(thread)
	thread:set("tid", counter)
	counter = counter + 1
end

local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
	n = n + 1
	local tok = tokens[((n * 7 + tid * 131) % #tokens) + 1]
	wrk.headers["Cookie"] = "dl_session=" .. tok
	return wrk.format(nil, nil, nil, string.format(
		'{"body":"Comment %d%s from wrk thread %d: a fair point, well made."}', n, run, tid))
end
