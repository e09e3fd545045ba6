#include "server/server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "commands/dispatch.hpp"
#include "server/connection.hpp"
#include "server/log.hpp"
#include "store/memory.hpp"

namespace corokv {

using asio::ip::tcp;
using namespace std::chrono_literals;

struct Server::Impl {
    explicit Impl(ServerState& s) : state(s) {}

    ServerState& state;
    // One io_context per worker thread: a connection lives on one thread for its whole life,
    // so its coroutine never needs a strand.
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::vector<std::thread> threads;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<asio::signal_set> signals;
    std::unique_ptr<asio::steady_timer> tick_timer;
    std::int64_t high_water = 0;  // used memory since the last release_memory_after_shrink
    std::size_t next_context = 1;

    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    bool stop_requested = false;

    asio::io_context& main_context() { return *contexts.front(); }

    // Round-robin over the workers; the acceptor's own context takes its share too.
    asio::io_context& pick_context() {
        asio::io_context& ctx = *contexts[next_context % contexts.size()];
        ++next_context;
        return ctx;
    }

    void request_stop() {
        {
            std::lock_guard lock(stop_mutex);
            stop_requested = true;
        }
        stop_cv.notify_all();
    }

    asio::awaitable<void> reject_connection(tcp::socket socket) {
        static constexpr std::string_view kMessage = "-ERR max number of clients reached\r\n";
        co_await asio::async_write(socket, asio::buffer(kMessage.data(), kMessage.size()),
                                   asio::experimental::as_tuple(asio::use_awaitable));
        std::error_code ignored;
        socket.close(ignored);
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            asio::io_context& target = pick_context();
            auto [ec, socket] = co_await acceptor->async_accept(target, asio::experimental::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
            if (ec) {
                log_message(LogLevel::warning, "Accepting client connection: " + ec.message());
                continue;
            }
            if (static_cast<std::int64_t>(state.clients.count()) >= state.config.maxclients.load()) {
                state.stats.rejected_connections.fetch_add(1, std::memory_order_relaxed);
                asio::co_spawn(target, reject_connection(std::move(socket)), asio::detached);
                continue;
            }
            asio::co_spawn(target, serve_connection(std::move(socket), state), asio::detached);
        }
    }

    // Eviction that stopped at its time limit (maxmemory-eviction-tenacity) continues here,
    // like Redis's evictionTimeProc, so memory gets under maxmemory without new writes.
    void finish_evictions(std::int64_t now_ms, std::chrono::microseconds budget) {
        const auto until = std::chrono::steady_clock::now() + budget;
        while (evict_to_maxmemory(state, now_ms) == EvictionResult::running &&
               std::chrono::steady_clock::now() < until) {
        }
    }

    // Redis's serverCron, reduced to what exists so far: active expiry, ops sampling, and
    // eviction left over.
    asio::awaitable<void> tick_loop() {
        using clock = std::chrono::steady_clock;
        // Redis's ACTIVE_EXPIRE_CYCLE_FAST_DURATION: while a cycle left due keys behind, 1 ms
        // fast cycles every 2 ms run between ticks, so a mass expiry is reclaimed quickly
        // without any single cycle holding the thread for long.
        constexpr auto kFastCycle = std::chrono::milliseconds(1);
        auto last_tick = clock::now();
        bool expiry_behind = false;
        std::int64_t last_idle_check_ms = 0;
        for (;;) {
            const int hz = std::max(1, state.config.hz.load());
            const auto period = std::chrono::microseconds(1000000 / hz);
            const auto next_tick = last_tick + period;
            tick_timer->expires_at(expiry_behind ? std::min(clock::now() + 2 * kFastCycle, next_tick) : next_tick);
            auto [ec] = co_await tick_timer->async_wait(asio::experimental::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            const std::int64_t now = unix_time_ms();
            // Like Redis, nothing expires while the AOF loads: a key past its deadline may
            // still be written by later commands of the log (see CommandContext::expiry_clock_ms).
            // Nor while clients are paused (CLIENT PAUSE, either mode), as in Redis.
            const bool frozen = state.loading.active.load() || state.pause.in_effect(now);
            if (clock::now() < next_tick) {
                if (frozen) continue;
                expiry_behind = state.store.active_expire_cycle(now, kFastCycle, /*slow=*/false).more_due;
                continue;
            }
            last_tick = clock::now();
            // At most a quarter of each period, as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC.
            if (!frozen) {
                expiry_behind = state.store.active_expire_cycle(now, period / 4).more_due;
                // No eviction while the AOF loads either: the log may still free memory.
                finish_evictions(now, period / 4);
            }
            if (state.aof) state.aof->tick(now);
            if (now - last_idle_check_ms >= 1000) {
                last_idle_check_ms = now;
                close_idle_clients(now);
            }
            release_memory_after_shrink();
            state.ops_meter.sample(now, state.stats.total_commands_processed.load());
        }
    }

    // `timeout`: closes clients idle for longer (Redis's clientsCronHandleTimeout). Blocked,
    // subscribed and monitoring clients are left alone, as in Redis: they wait by design.
    void close_idle_clients(std::int64_t now) {
        const std::int64_t limit_s = state.config.timeout.load(std::memory_order_relaxed);
        if (limit_s <= 0) return;
        for (const auto& client : state.clients.snapshot()) {
            if (client->blocked.load(std::memory_order_relaxed) || client->is_pubsub() ||
                client->monitoring.load(std::memory_order_relaxed))
                continue;
            if ((now - client->last_active_ms.load(std::memory_order_relaxed)) / 1000 <= limit_s) continue;
            log_message(LogLevel::verbose, "Closing idle client");
            if (client->kill) client->kill();
        }
    }

    // glibc keeps freed memory inside the heap (RSS stays up) unless it sits at the very top.
    // After used memory fell a lot (mass expiry, FLUSHALL, eviction after lowering maxmemory),
    // hand the free pages back so RSS follows used_memory down. malloc_trim walks the free
    // lists, so it runs only after a drop of at least a quarter and 16 MB.
    void release_memory_after_shrink() {
        const std::int64_t used = memory::used();
        high_water = std::max(high_water, used);
        if (high_water - used >= std::max<std::int64_t>(16 << 20, high_water / 4)) {
            memory::release_free_pages();
            high_water = used;
        }
    }

    Result<void> bind_and_listen() {
        std::error_code ec;
        auto address = asio::ip::make_address(state.config.bind, ec);
        if (ec) return fail("config key 'bind': invalid address '" + state.config.bind + "'");
        tcp::endpoint endpoint(address, static_cast<unsigned short>(state.config.port));
        acceptor = std::make_unique<tcp::acceptor>(main_context());
        acceptor->open(endpoint.protocol(), ec);
        if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) acceptor->bind(endpoint, ec);
        if (!ec) acceptor->listen(511, ec);
        if (ec)
            return fail("Could not create server TCP listening socket " + state.config.bind + ":" +
                        std::to_string(state.config.port) + ": " + ec.message());
        state.tcp_port = acceptor->local_endpoint().port();
        return outcome::success();
    }
};

Server::Server(ServerState& state) : impl_(std::make_unique<Impl>(state)) {}
Server::~Server() = default;

Result<void> Server::start() {
    Impl& s = *impl_;
    const int threads = s.state.config.effective_threads();
    s.state.io_threads = threads;
    for (int i = 0; i < threads; ++i) {
        s.contexts.push_back(std::make_unique<asio::io_context>(1));
        s.guards.push_back(asio::make_work_guard(*s.contexts.back()));
    }
    if (auto r = s.bind_and_listen(); !r) return r;

    s.signals = std::make_unique<asio::signal_set>(s.main_context(), SIGINT, SIGTERM);
    s.signals->async_wait([&s](const std::error_code& ec, int signal) {
        if (ec) return;
        log_message(LogLevel::warning, std::string("Received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                                           " scheduling shutdown...");
        s.request_stop();
    });
    s.state.request_shutdown = [&s](ShutdownMode) {
        log_message(LogLevel::warning, "User requested shutdown...");
        s.request_stop();
    };
    s.tick_timer = std::make_unique<asio::steady_timer>(s.main_context());
    asio::co_spawn(s.main_context(), s.accept_loop(), asio::detached);
    asio::co_spawn(s.main_context(), s.tick_loop(), asio::detached);
    for (auto& ctx : s.contexts) s.threads.emplace_back([c = ctx.get()] { c->run(); });
    log_message(LogLevel::notice, "Server initialized: " + std::to_string(threads) + " threads, " +
                                      std::to_string(s.state.store.shard_count()) + " shards");
    log_message(LogLevel::notice, "Ready to accept connections tcp on " + s.state.config.bind + ":" +
                                      std::to_string(s.state.tcp_port));
    return outcome::success();
}

void Server::run_until_stopped() {
    Impl& s = *impl_;
    {
        std::unique_lock lock(s.stop_mutex);
        s.stop_cv.wait(lock, [&] { return s.stop_requested; });
    }
    // 1. Stop accepting and ticking.
    asio::post(s.main_context(), [&s] {
        std::error_code ignored;
        s.acceptor->close(ignored);
        s.signals->cancel(ignored);
        s.tick_timer->cancel();
    });
    // 2. Ask every connection to finish what it is writing and leave.
    for (const auto& client : s.state.clients.snapshot())
        if (client->kill) client->kill();
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (s.state.clients.count() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    // 3. Let the threads run out of work (or force them after the deadline).
    s.guards.clear();
    for (auto& ctx : s.contexts) ctx->stop();
    for (auto& t : s.threads) t.join();
    log_message(LogLevel::warning, "corokv is now ready to exit, bye bye...");
}

}  // namespace corokv
