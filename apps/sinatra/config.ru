# rackup -s puma -p $PORT -o 127.0.0.1 config.ru
require_relative 'app'

run HelloApp
