-- wrk script for bench/load.sh: each request takes the next path from PATHS_FILE (each thread starts at its
-- own offset) and carries the header a TLS-terminating proxy would add.
local paths = {}
local index = 0

function setup(thread)
  thread:set("offset", math.random(1, 1000))
end

function init(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  index = offset or 0
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["Accept-Encoding"] = "gzip"
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
