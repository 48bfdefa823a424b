# Threads, sockets, File and JSON; prints only what is the same on every run.
require "json"
require "socket"

dir = ARGV.fetch(0)

# Threads: a work queue, four workers, a mutex-guarded total.
queue = Queue.new
(1..200).each { |n| queue << n }
4.times { queue << :done }
total = 0
lock = Mutex.new
counts = Array.new(4, 0)
workers = 4.times.map do |w|
  Thread.new do
    while (n = queue.pop) != :done
      lock.synchronize { total += n * n }
      counts[w] += 1
    end
  end
end
workers.each(&:join)
puts "threads: total #{total}, items #{counts.sum}"
cv = ConditionVariable.new
ready = false
waiter = Thread.new { lock.synchronize { cv.wait(lock) until ready; :woken } }
lock.synchronize { ready = true; cv.signal }
puts "condition variable: #{waiter.value}"

# Sockets: a TCP echo server on the loopback, three clients at once.
server = TCPServer.new("127.0.0.1", 0)
port = server.addr[1]
acceptor = Thread.new do
  3.times.map do
    client = server.accept
    Thread.new(client) do |c|
      while (line = c.gets)
        c.write(line.upcase)
      end
      c.close
    end
  end.each(&:join)
end
replies = 3.times.map do |i|
  Thread.new do
    s = TCPSocket.new("127.0.0.1", port)
    s.write("hello #{i}\nsecond line #{i}\n")
    s.close_write
    s.read
  end
end.map(&:value)
acceptor.join
server.close
replies.each { |r| print "tcp: ", r.inspect, "\n" }
a, b = UNIXSocket.pair
a.send("over a socket pair", 0)
puts "unix: #{b.recv(100)}"
a.close
b.close

# File: write, append, read, stat, rename, glob, delete.
path = File.join(dir, "notes.txt")
File.write(path, "first\n")
File.open(path, "a") { |f| 3.times { |i| f.puts "line #{i}" } }
puts "file: #{File.size(path)} bytes, #{File.readlines(path).length} lines, last #{File.readlines(path).last.chomp.inspect}"
File.rename(path, File.join(dir, "renamed.txt"))
Dir.mkdir(File.join(dir, "sub"))
5.times { |i| File.write(File.join(dir, "sub", "f#{i}.dat"), "x" * (i * 100)) }
sizes = Dir.glob(File.join(dir, "sub", "*.dat")).sort.map { |f| [File.basename(f), File.size(f)] }
puts "glob: #{sizes.inspect}"
puts "exists: #{File.exist?(path)} #{File.exist?(File.join(dir, "renamed.txt"))} directory #{File.directory?(File.join(dir, "sub"))}"
File.open(File.join(dir, "renamed.txt")) { |f| f.seek(6); puts "seek: #{f.read(6).inspect}" }
Dir.glob(File.join(dir, "sub", "*")).each { |f| File.delete(f) }
Dir.rmdir(File.join(dir, "sub"))
puts "after delete: #{Dir.children(dir).sort.inspect}"

# JSON: generate, parse, round trip through a file.
doc = { "name" => "kiln", "version" => [3, 1], "nested" => { "pi" => 3.14159, "ok" => true, "none" => nil },
        "unicode" => "h\u00e9llo \u2603", "list" => (1..5).map { |i| { "i" => i, "sq" => i * i } } }
text = JSON.generate(doc)
puts "json: #{text}"
File.write(File.join(dir, "doc.json"), JSON.pretty_generate(doc))
back = JSON.parse(File.read(File.join(dir, "doc.json")))
puts "round trip: #{back == doc}, #{File.size(File.join(dir, "doc.json"))} bytes pretty"
puts "parse: #{JSON.parse('[1, 2.5, "three", {"four": [4]}]', symbolize_names: true).inspect}"
begin
  JSON.parse("{not json")
rescue JSON::ParserError => e
  puts "parse error: #{e.class}"
end
puts "ruby #{RUBY_VERSION}, #{Thread.list.length} thread"
