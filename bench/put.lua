-- wrk script: PUT a reaction as a new reader each time (no cookie is sent,
-- so every request is a distinct reader's first, durable reaction).
local names = { "angry", "fail", "geeky", "lol", "love", "scary", "win" }
local n = 0
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"

request = function()
	n = n + 1
	return wrk.format(nil, nil, nil,
		'{"reaction":"' .. names[(n % #names) + 1] .. '"}')
end
