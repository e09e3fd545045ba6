#include "server/connection.hpp"

#include <asio/experimental/deferred.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <iterator>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "commands/blocking.hpp"
#include "commands/dispatch.hpp"
#include "commands/pubsub.hpp"
#include "resp/parser.hpp"
#include "resp/writer.hpp"
#include "server/log.hpp"

namespace corokv {
namespace {

using asio::ip::tcp;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

constexpr std::size_t kInitialReadBuffer = 16 * 1024;
constexpr std::size_t kMinFreeSpace = 4 * 1024;
// Buffers that grew for one big request or reply are given back afterwards.
constexpr std::size_t kKeepReadBuffer = 64 * 1024;
constexpr std::size_t kKeepWriteBuffer = 1024 * 1024;

// Redis's anetKeepAlive: probes start after `interval` idle seconds, then every third of it,
// and three unanswered ones drop the connection (a peer that vanished without a FIN).
void enable_keepalive(int fd, std::int64_t interval) {
    if (interval <= 0) return;
    const int yes = 1, idle = static_cast<int>(interval), every = std::max(1, idle / 3), probes = 3;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof yes);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &every, sizeof every);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

std::string endpoint_text(const tcp::endpoint& ep) {
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// The unparsed bytes live in [begin, end) of `data`; parsing consumes from the front, reads
// append at the back. Only ever moved or grown between parse passes, never during one,
// because parsed arguments are views into it.
class ReadBuffer {
public:
    ReadBuffer() : data_(kInitialReadBuffer) {}

    std::string_view unparsed() const { return {data_.data() + begin_, end_ - begin_}; }
    void consume(std::size_t n) {
        begin_ += n;
        if (begin_ == end_) begin_ = end_ = 0;
    }
    // Makes room to read more. A command known to need `total_needed` bytes (a big bulk)
    // grows the buffer geometrically with what has actually arrived, never straight to the
    // announced size: a client cannot make us allocate 512 MB by sending a 15-byte header.
    asio::mutable_buffer prepare(std::size_t total_needed) {
        if (begin_ > 0 && data_.size() - end_ < kMinFreeSpace) compact();
        const std::size_t unparsed = end_ - begin_;
        std::size_t want = unparsed + kMinFreeSpace;
        if (total_needed > want) want = std::min(total_needed, std::max(want, unparsed * 2));
        if (begin_ + want > data_.size()) {
            compact();
            if (want > data_.size()) data_.resize(std::max(want, data_.size() * 2));
        }
        return asio::buffer(data_.data() + end_, data_.size() - end_);
    }
    void commit(std::size_t n) { end_ += n; }
    void shrink_if_idle() {
        if (begin_ == end_ && data_.size() > kKeepReadBuffer) {
            data_.resize(kInitialReadBuffer);
            data_.shrink_to_fit();
        }
    }
    std::size_t unparsed_size() const { return end_ - begin_; }
    std::size_t capacity() const { return data_.size(); }

private:
    void compact() {
        if (begin_ == 0) return;
        std::memmove(data_.data(), data_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    std::vector<char> data_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

resp::ParserLimits limits_from(const Config& config) {
    resp::ParserLimits limits;
    limits.max_bulk_len = config.proto_max_bulk_len.load(std::memory_order_relaxed);
    return limits;
}

enum class BatchEnd { keep_going, blocked, paused, close_after_write, close_now };

// Parses and executes every complete command in the buffer; replies accumulate in `out`.
// Stops early at a command that blocked (BLPOP on empty lists), leaving it in `blocked`.
BatchEnd execute_batch(ReadBuffer& in, resp::RequestParser& parser, ServerState& state,
                       ClientSession& session, resp::ReplyWriter& out, std::uint64_t& executed,
                       std::shared_ptr<BlockedClient>& blocked) {
    // One clock reading serves a run of commands; refreshed so a long pipeline still sees
    // time move (TTLs set early in the batch expire on time for later commands).
    constexpr std::uint64_t kCommandsPerClockRead = 128;
    std::int64_t now_ms = unix_time_ms();
    std::uint64_t ticks = cpu_ticks();  // SLOWLOG: each command is timed from the previous one's end
    for (;;) {
        std::size_t consumed = 0;
        const resp::ParseStatus status = parser.parse(in.unparsed(), consumed);
        if (status == resp::ParseStatus::need_more) {
            in.consume(consumed);
            return BatchEnd::keep_going;
        }
        if (status == resp::ParseStatus::error) {
            out.error(parser.error());
            log_message(LogLevel::verbose, "Protocol error (" + parser.error() + ") from client: id=" +
                                               std::to_string(session.id) + " addr=" + session.addr);
            return BatchEnd::close_after_write;
        }
        auto args = parser.args();
        if (is_cross_protocol_attack(args[0])) {
            log_message(LogLevel::warning,
                        "Possible SECURITY ATTACK detected. It looks like somebody is sending POST "
                        "or Host: commands to Redis. This is likely due to an attacker attempting "
                        "to use Cross Protocol Scripting to compromise your Redis instance. "
                        "Connection from " + session.addr + " aborted.");
            return BatchEnd::close_now;
        }
        // Left unconsumed: parsed again and run once CLIENT PAUSE is over.
        if (paused_for(state, session, args)) return BatchEnd::paused;
        blocked = execute(state, session, args, out, now_ms, &ticks);
        if (++executed % kCommandsPerClockRead == 0) now_ms = unix_time_ms();
        in.consume(consumed);
        if (blocked) return BatchEnd::blocked;
        if (session.close_after_reply) return BatchEnd::close_after_write;
    }
}


// With appendfsync always, replies to logged writes go out only once the AOF holds them on
// disk: waits (without blocking the thread) for the writer to fsync past the client's last
// logged write. One fsync serves every client waiting, whatever thread it is on.
asio::awaitable<void> wait_for_aof(tcp::socket& socket, ServerState& state, ClientSession& session) {
    AppendLog* log = state.aof;
    const std::uint64_t offset = session.aof_offset.load(std::memory_order_relaxed);
    if (!log || !log->must_wait(offset)) co_return;
    auto timer = std::make_shared<asio::steady_timer>(socket.get_executor(), asio::steady_timer::time_point::max());
    const bool waits = log->wait_durable(offset,
                                         [weak = std::weak_ptr<asio::steady_timer>(timer), exec = socket.get_executor()] {
                                             asio::post(exec, [weak] {
                                                 if (auto t = weak.lock()) t->expires_at(asio::steady_timer::time_point::min());
                                             });
                                         });
    if (waits) co_await timer->async_wait(use_tuple);
}

// Pub/sub messages for one connection. Other threads reach it only through
// ClientSession::deliver, which posts to the connection's thread; everything here runs there.
// Messages are written on their own while the connection waits for a request, and ahead of
// the connection's replies otherwise, so a socket never has two writes in flight. Frames are
// encoded once and shared with every other subscriber; each write copies the queued ones
// into one buffer (see take_pending).
class Outbox : public std::enable_shared_from_this<Outbox> {
public:
    // Owns its share of the session: a message write may complete after the connection's
    // coroutine has ended.
    Outbox(std::shared_ptr<tcp::socket> socket, std::shared_ptr<ClientSession> session, ServerState& state)
        : socket_(std::move(socket)), session_(std::move(session)), state_(state), idle_(socket_->get_executor()) {}

    // Messages handed over from other threads (a batch: see install_delivery).
    void push(std::span<const PushFrame> frames) {
        if (failed_) return;
        for (const PushFrame& frame : frames) pending_.push_back(Queued{frame, frame->front() == '*' && session_->proto >= 3});
        if (!writing_ && !pending_.empty()) flush();
    }

    // The connection's own write: after any message write in progress, with the messages
    // that arrived meanwhile ahead of the replies. False if the connection failed.
    asio::awaitable<bool> write(std::string& replies) {
        while (writing_) {
            reply_waiting_ = true;
            idle_.expires_at(asio::steady_timer::time_point::max());
            co_await idle_.async_wait(use_tuple);
        }
        reply_waiting_ = false;
        if (failed_) co_return false;
        if (pending_.empty()) {
            writing_ = true;
            auto [ec, written] = co_await asio::async_write(*socket_, asio::buffer(replies), use_tuple);
            (void)written;
            return_from_write(ec);
            co_return !ec;
        }
        take_pending();
        buffers_.push_back(asio::buffer(replies));
        writing_ = true;
        auto [ec, written] = co_await asio::async_write(*socket_, buffers_, use_tuple);
        // The replies were counted by the caller; the messages ahead of them are counted here.
        if (written > replies.size())
            state_.stats.total_net_output_bytes.fetch_add(written - replies.size(), std::memory_order_relaxed);
        written_frames();
        return_from_write(ec);
        co_return !ec;
    }

    // client-output-buffer-limit: drops what is queued and closes the socket, which ends
    // the connection's coroutine (its pending read fails).
    void close() {
        failed_ = true;
        pending_.clear();
        std::error_code ignored;
        socket_->close(ignored);
    }

private:
    struct Queued {
        PushFrame frame;
        bool resp3;  // a RESP2 array for a RESP3 client: sent with '>' for its '*'
    };

    // Copies the pending frames into one buffer to write. Not a gathered write of the shared
    // frames: asio cuts one into writes of 64 buffers (32 frames), each a trip through the
    // event loop, so a busy thread starved its subscribers (keyspace notifications at a few
    // hundred thousand per second left hundreds of MB queued); a copy is one send.
    // A write of messages alone copies at most about `limit` bytes (at least one frame), so a
    // backlog of many MB is sent in pieces instead of being copied whole at once; a reply
    // takes every queued message along, which must reach the client before it.
    void take_pending(std::size_t limit = SIZE_MAX) {
        coalesced_.clear();
        while (!pending_.empty() && (coalesced_.empty() || coalesced_.size() < limit)) {
            const Queued& q = pending_.front();
            coalesced_ += q.resp3 ? '>' : q.frame->front();
            coalesced_.append(*q.frame, 1);
            pending_.pop_front();
        }
        in_flight_bytes_ = coalesced_.size();
        buffers_.clear();
        buffers_.push_back(asio::buffer(coalesced_));
    }

    void flush() {
        take_pending(kMessageWriteBytes);
        writing_ = true;
        asio::async_write(*socket_, buffers_, [self = shared_from_this()](std::error_code ec, std::size_t n) {
            self->state_.stats.total_net_output_bytes.fetch_add(n, std::memory_order_relaxed);
            self->written_frames();
            self->return_from_write(ec);
        });
    }

    // The frames in flight reached the socket (or never will): they leave the backlog.
    void written_frames() {
        session_->push_backlog.fetch_sub(in_flight_bytes_, std::memory_order_relaxed);
        in_flight_bytes_ = 0;
        // A burst's copy is not kept for ever.
        if (coalesced_.capacity() > kKeptCapacity) std::string().swap(coalesced_);
    }

    // After any write: a waiting reply goes next (and takes the messages queued since along),
    // so a busy channel never starves the connection's replies; else queued messages go.
    void return_from_write(std::error_code ec) {
        writing_ = false;
        if (ec) failed_ = true;
        if (reply_waiting_ || ec) idle_.cancel();
        else if (!pending_.empty()) flush();
    }

    std::shared_ptr<tcp::socket> socket_;
    std::shared_ptr<ClientSession> session_;
    ServerState& state_;
    asio::steady_timer idle_;  // wakes the connection's write when a message write ends
    std::deque<Queued> pending_;
    static constexpr std::size_t kKeptCapacity = 1 << 20;
    static constexpr std::size_t kMessageWriteBytes = 256 << 10;
    std::string coalesced_;              // the frames being written
    std::uint64_t in_flight_bytes_ = 0;  // their size, off the backlog once written
    std::vector<asio::const_buffer> buffers_;
    bool writing_ = false;
    bool reply_waiting_ = false;
    bool failed_ = false;
};

// Redis's checkClientOutputBufferLimits for the pubsub class: over the hard limit, or over
// the soft limit for longer than its seconds.
bool over_output_limit(ClientSession& session, const OutputBufferLimit& limit, std::uint64_t backlog) {
    const std::uint64_t hard = limit.hard.load(std::memory_order_relaxed);
    const std::uint64_t soft = limit.soft.load(std::memory_order_relaxed);
    if (hard && backlog > hard) return true;
    if (!soft || backlog <= soft) {
        session.soft_limit_since_ms.store(0, std::memory_order_relaxed);
        return false;
    }
    const std::int64_t now = unix_time_ms();
    std::int64_t since = 0;
    if (session.soft_limit_since_ms.compare_exchange_strong(since, now)) return false;
    return now - since > limit.soft_seconds.load(std::memory_order_relaxed) * 1000;
}

// ClientSession::deliver for a connection: counts the frame against the output buffer limit
// and posts it to the connection's thread, or has the connection closed.
// Frames delivered from other threads, waiting for the connection's thread to take them.
class Handover {
public:
    // Queues a frame; true when the caller must post a handler that takes the queue (none
    // is posted yet).
    bool add(const PushFrame& frame) {
        std::lock_guard lock(mutex_);
        frames_.push_back(frame);
        return !std::exchange(take_posted_, true);
    }
    std::vector<PushFrame> take() {
        std::lock_guard lock(mutex_);
        take_posted_ = false;
        return std::exchange(frames_, {});
    }

private:
    std::mutex mutex_;
    std::vector<PushFrame> frames_;
    bool take_posted_ = false;
};

void install_delivery(ClientSession& session, ServerState& state, const std::shared_ptr<Outbox>& outbox,
                      const asio::any_io_executor& exec) {
    auto handover = std::make_shared<Handover>();
    session.deliver = [&session, &state, weak = std::weak_ptr<Outbox>(outbox), exec, handover](const PushFrame& frame) {
        if (session.output_limit_reached.load(std::memory_order_relaxed)) return;
        const std::uint64_t backlog = session.push_backlog.fetch_add(frame->size(), std::memory_order_relaxed) + frame->size();
        // Monitors are replicas to Redis (their limits); everyone else here is a subscriber.
        const ClientClass cls = session.monitoring.load(std::memory_order_relaxed) ? ClientClass::replica : ClientClass::pubsub;
        const OutputBufferLimit& limit = state.config.output_buffer_limits[static_cast<std::size_t>(cls)];
        if (over_output_limit(session, limit, backlog)) {
            if (session.output_limit_reached.exchange(true)) return;
            log_message(LogLevel::warning, "Client id=" + std::to_string(session.id) + " addr=" + session.addr +
                                               " scheduled to be closed ASAP for overcoming of output buffer limits.");
            asio::post(exec, [weak] {
                if (auto o = weak.lock()) o->close();
            });
            return;
        }
        // One posted handler carries every frame queued until it runs: a burst of messages
        // (keyspace notifications run at the publishers' command rate) costs the receiving
        // thread one wake-up, not one per message.
        if (!handover->add(frame)) return;
        asio::post(exec, [weak, handover] {
            const std::vector<PushFrame> frames = handover->take();
            if (auto o = weak.lock()) o->push(frames);
        });
    };
}

// Waits while CLIENT PAUSE lasts, looking again every 10 ms so CLIENT UNPAUSE (or a longer
// pause) is noticed.
asio::awaitable<void> wait_for_pause_end(tcp::socket& socket, ServerState& state) {
    asio::steady_timer timer(socket.get_executor());
    for (;;) {
        const std::int64_t left = state.pause.end_ms.load(std::memory_order_relaxed) - unix_time_ms();
        if (left <= 0) co_return;
        timer.expires_after(std::chrono::milliseconds(std::min<std::int64_t>(left, 10)));
        co_await timer.async_wait(use_tuple);
    }
}

// Writes and clears the accumulated replies; false if the connection failed.
asio::awaitable<bool> write_replies(tcp::socket& socket, ServerState& state, ClientSession& session,
                                    Outbox& outbox, std::string& out_buffer) {
    if (out_buffer.empty()) co_return true;
    co_await wait_for_aof(socket, state, session);
    state.stats.total_net_output_bytes.fetch_add(out_buffer.size(), std::memory_order_relaxed);
    // Not `if (!co_await ...)`: GCC 12 miscompiled that form here (a crash on resumption).
    const bool written = co_await outbox.write(out_buffer);
    if (!written) co_return false;
    out_buffer.clear();
    if (out_buffer.capacity() > kKeepWriteBuffer) out_buffer.shrink_to_fit();
    co_return true;
}

void finish_connection(ServerState& state, ClientSession& session, tcp::socket& socket) {
    end_transaction(state, session);  // its WATCHes live in the keyspaces
    unsubscribe_all(state.pubsub, session);  // no publisher reaches it after this
    if (session.monitoring.exchange(false)) state.monitors.remove(session);
    std::error_code ignored;
    state.clients.remove(session.id);
    socket.close(ignored);
}

using BlockState = BlockedClient::State;

BlockState state_of(BlockedClient& bc) {
    std::lock_guard lock(bc.mutex);
    return bc.state;
}

// Arms the timer for the client's deadline (or for ever) unless it was already woken.
void arm_timer(asio::steady_timer& timer, const BlockedClient& bc, std::int64_t now_ms) {
    if (bc.deadline_ms == 0) {
        timer.expires_at(asio::steady_timer::time_point::max());
    } else {
        const auto left = std::chrono::milliseconds(std::max<std::int64_t>(bc.deadline_ms - now_ms, 0) + 1);
        timer.expires_after(left);
    }
}

// The blocked client's side of a blocking command: waits until another client's write
// serves it (its reply is then appended to `out_buffer`), its timeout passes (the timeout
// reply), or the connection goes away (returns false). Bytes the client sends meanwhile are
// kept in `in` for after, as Redis keeps reading from blocked clients.
asio::awaitable<bool> wait_until_unblocked(tcp::socket& socket, ReadBuffer& in, ServerState& state,
                                          std::shared_ptr<BlockedClient> bc, std::string& out_buffer,
                                          resp::ReplyWriter& out) {
    auto timer = std::make_shared<asio::steady_timer>(socket.get_executor());
    {
        // Wakes come from other threads; the timer is only touched on our own executor.
        std::lock_guard lock(bc->mutex);
        bc->wake = [weak = std::weak_ptr<asio::steady_timer>(timer), exec = socket.get_executor()] {
            asio::post(exec, [weak] {
                if (auto t = weak.lock()) t->expires_at(asio::steady_timer::time_point::min());
            });
        };
    }
    bool connected = true;
    for (;;) {
        const BlockState s = state_of(*bc);
        if (s == BlockState::served) {
            std::lock_guard lock(bc->mutex);
            if (!bc->drop_reply) out_buffer += bc->reply;
            break;
        }
        const std::int64_t now = unix_time_ms();
        const bool timed_out = bc->deadline_ms != 0 && now > bc->deadline_ms;
        if (s == BlockState::waiting && (timed_out || !connected)) {
            if (finish_waiting(*bc, connected ? BlockState::timed_out : BlockState::cancelled)) {
                unregister_blocked(state, bc);
                if (connected && !bc->drop_reply) reply_timeout(out, bc->on_timeout);
                break;
            }
            continue;  // served meanwhile: it is about to be woken
        }
        arm_timer(*timer, *bc, now);
        if (s == BlockState::serving || !connected) {
            // Claimed by a writer on another thread: its wake-up follows shortly.
            co_await timer->async_wait(use_tuple);
            continue;
        }
        auto [order, timer_ec, read_ec, n] =
            co_await asio::experimental::make_parallel_group(
                timer->async_wait(asio::experimental::deferred), socket.async_read_some(in.prepare(0), asio::experimental::deferred))
                .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
        (void)order;
        (void)timer_ec;
        if (n > 0) {
            in.commit(n);
            state.stats.total_net_input_bytes.fetch_add(n, std::memory_order_relaxed);
        } else if (read_ec != asio::error::operation_aborted) {
            connected = false;  // closed or failed while blocked: stop waiting, quietly
        }
        if (in.unparsed_size() > static_cast<std::size_t>(state.config.client_query_buffer_limit.load()))
            connected = false;
    }
    co_return connected;
}

}  // namespace

asio::awaitable<void> serve_connection(tcp::socket accepted, ServerState& state) {
    // Shared so that a kill request racing with the end of this coroutine finds it gone
    // instead of touching a destroyed socket.
    auto socket_ptr = std::make_shared<tcp::socket>(std::move(accepted));
    tcp::socket& socket = *socket_ptr;
    std::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    enable_keepalive(socket.native_handle(), state.config.tcp_keepalive.load(std::memory_order_relaxed));
    const std::int64_t now = unix_time_ms();
    auto session = std::make_shared<ClientSession>(
        state.clients.next_id(), endpoint_text(socket.remote_endpoint(ignored)),
        endpoint_text(socket.local_endpoint(ignored)), static_cast<int>(socket.native_handle()), now);
    session->set_user(state.acl.default_user());
    session->authenticated = !state.acl.auth_required();
    // Other threads (SHUTDOWN, later CLIENT KILL) stop us by half-closing the read side on
    // our own executor: a pending read ends, an in-flight reply is still written out.
    session->kill = [weak = std::weak_ptr<tcp::socket>(socket_ptr), exec = socket.get_executor()] {
        asio::post(exec, [weak] {
            std::error_code ec;
            if (auto s = weak.lock()) s->shutdown(tcp::socket::shutdown_receive, ec);
        });
    };
    auto outbox = std::make_shared<Outbox>(socket_ptr, session, state);
    install_delivery(*session, state, outbox, socket.get_executor());
    state.clients.add(session);
    state.stats.total_connections_received.fetch_add(1, std::memory_order_relaxed);

    ReadBuffer in;
    std::string out_buffer;
    resp::ReplyWriter out(out_buffer, session->proto);
    resp::RequestParser parser(limits_from(state.config));

    for (;;) {
        auto [read_ec, n] = co_await socket.async_read_some(in.prepare(parser.bytes_needed_hint()), use_tuple);
        if (read_ec || n == 0) break;
        in.commit(n);
        parser.set_limits(limits_from(state.config));

        std::uint64_t executed = 0;
        std::shared_ptr<BlockedClient> blocked;
        BatchEnd end = execute_batch(in, parser, state, *session, out, executed, blocked);
        while (end == BatchEnd::blocked || end == BatchEnd::paused) {
            // Replies to the commands before the blocking (or paused) one go out now, as in Redis.
            if (!co_await write_replies(socket, state, *session, *outbox, out_buffer)) co_return finish_connection(state, *session, socket);
            // Blocked either way to CLIENT LIST (flags=b) and to `timeout`, as Redis's postponed clients.
            session->blocked.store(true, std::memory_order_relaxed);
            bool connected = true;
            if (end == BatchEnd::blocked) connected = co_await wait_until_unblocked(socket, in, state, std::move(blocked), out_buffer, out);
            else co_await wait_for_pause_end(socket, state);
            session->blocked.store(false, std::memory_order_relaxed);
            if (!connected) co_return finish_connection(state, *session, socket);
            end = execute_batch(in, parser, state, *session, out, executed, blocked);
        }
        if (end == BatchEnd::close_now) break;

        if (in.unparsed_size() > static_cast<std::size_t>(state.config.client_query_buffer_limit.load())) {
            log_message(LogLevel::warning, "Closing client that reached max query buffer length: id=" +
                                               std::to_string(session->id) + " addr=" + session->addr);
            break;
        }
        state.stats.total_commands_processed.fetch_add(executed, std::memory_order_relaxed);
        state.stats.total_net_input_bytes.fetch_add(n, std::memory_order_relaxed);
        session->last_active_ms.store(unix_time_ms(), std::memory_order_relaxed);
        session->query_buffer_bytes.store(in.unparsed_size(), std::memory_order_relaxed);
        session->query_buffer_capacity.store(in.capacity(), std::memory_order_relaxed);

        if (!co_await write_replies(socket, state, *session, *outbox, out_buffer)) break;
        if (end == BatchEnd::close_after_write) break;
        in.shrink_if_idle();
    }
    finish_connection(state, *session, socket);
}

}  // namespace corokv
