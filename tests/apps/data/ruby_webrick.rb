# WEBrick (Debian's ruby-webrick) on port 8080: files from ARGV[0], a JSON
# servlet, a POST echo; GET /stop shuts the server down and the script ends.
require "json"
require "webrick"

server = WEBrick::HTTPServer.new(Port: 8080, BindAddress: "0.0.0.0", DocumentRoot: ARGV.fetch(0),
                                 AccessLog: [], Logger: WEBrick::Log.new($stderr, WEBrick::Log::WARN))
server.mount_proc("/json") do |req, res|
  res["Content-Type"] = "application/json"
  res.body = JSON.generate({ "path" => req.path, "query" => req.query.sort.to_h,
                             "squares" => (1..(req.query["n"] || "3").to_i).map { |i| i * i } })
end
server.mount_proc("/echo") do |req, res|
  res.status = req.request_method == "POST" ? 201 : 405
  res["Content-Type"] = "text/plain"
  res.body = "#{req.request_method} #{req.body&.bytesize.to_i} bytes: #{req.body.to_s.reverse}"
end
server.mount_proc("/stop") do |_req, res|
  res.body = "stopping\n"
  Thread.new { sleep 0.2; server.shutdown }
end
puts "webrick #{WEBrick::VERSION} listening on 8080"
$stdout.flush
server.start
puts "webrick stopped"
