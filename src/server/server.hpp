// The network server: an acceptor coroutine, one io_context per worker thread, a periodic
// tick (active expiry, stats), signal handling and a graceful stop. Asio stays inside the
// .cpp files: this header is what main.cpp sees.
#pragma once

#include <memory>

#include "commands/server_state.hpp"
#include "config/config.hpp"

namespace corokv {

class Server {
public:
    explicit Server(ServerState& state);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts the worker threads; fails with a message if the port is taken etc.
    Result<void> start();
    // Blocks until SHUTDOWN or SIGINT/SIGTERM, then stops accepting, lets connections
    // finish their in-flight replies, and joins the threads.
    void run_until_stopped();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace corokv
