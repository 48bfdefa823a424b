-- Run by tests/apps/lua5_4.py in kiln and on the host: the output must match.
-- arg[1] is a file to write and read back.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib(25) = " .. fib(25))

local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do words[#words + 1] = w end
table.sort(words)
print(table.concat(words, ","))

local counts = setmetatable({}, {__index = function() return 0 end})
for _, w in ipairs(words) do counts[w] = counts[w] + 1 end
print("the x" .. counts.the, string.format("%5.2f|%x|%q", math.pi, 48879, "a\nb"))

local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end end)
print(gen(), gen(), gen())

local big = {}
for i = 1, 200000 do big[i] = i * 2 end
local sum = 0
for _, v in ipairs(big) do sum = sum + v end
print("sum = " .. sum, "int division: " .. 7 // 2, "float: " .. 7 / 2, math.type(1), math.type(1.0))

local f = assert(io.open(arg[1], "w"))
for i = 1, 1000 do f:write(string.rep(string.char(65 + i % 26), i % 50), "\n") end
f:close()
local n, bytes = 0, 0
for line in io.lines(arg[1]) do n = n + 1; bytes = bytes + #line end
print(("read back %d lines, %d bytes"):format(n, bytes))
print(pcall(error, {code = 42}) == false and "error caught" or "no error")
print(select("#", string.byte("kiln", 1, -1)), os.time{year = 2020, month = 1, day = 1, hour = 12} ~= nil)
