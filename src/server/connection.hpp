// One client connection = one coroutine: read -> parse every complete command -> execute
// them in order -> write all replies at once.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

#include "commands/server_state.hpp"

namespace corokv {

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, ServerState& state);

}  // namespace corokv
