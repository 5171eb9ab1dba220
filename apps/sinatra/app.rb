# The seed's app: "Hello World!" on GET /. lbbench starts it with rackup, passing the port and host as
# flags (see scenarios/seed-sinatra.yaml), and reads which copy answered from x-lbbench-replica.
require 'sinatra/base'

class HelloApp < Sinatra::Base
  # rackup binds where it is told (-o 127.0.0.1); Sinatra's own host check would refuse nothing here.
  set :logging, false

  after do
    headers 'x-lbbench-replica' => ENV.fetch('REPLICA', 'unknown')
  end

  get '/' do
    'Hello World!'
  end
end
