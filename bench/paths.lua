-- paths.lua - wrk script: request the paths listed (one a line) in the
-- file named by $BENCH_PATHS, in turn; each thread starts at its own place.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
	if line ~= "" then paths[#paths + 1] = line end
end
local counter = 0
local i = 0

function setup(thread)
	counter = counter + 1
	thread:set("start", counter * 7919)
end

function init(args)
	i = start or 0
end

function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
