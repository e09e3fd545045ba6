#include "commands/keyspace_events.hpp"

#include <charconv>
#include <string>

namespace corokv {
namespace {

// The command running on this thread (EventPublisherScope), for events the store raises.
struct RunningCommand {
    ClientSession* client = nullptr;
    resp::ReplyWriter* out = nullptr;
};
thread_local RunningCommand running_command;

// "__keyspace@<db>__:" or "__keyevent@<db>__:" then `suffix`, into a reused buffer: with
// notifications on, events are frequent and their channel names short.
std::string_view channel_name(std::string& buffer, std::string_view kind, int db, std::string_view suffix) {
    char digits[16];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, db);
    (void)ec;
    buffer.assign("__");
    buffer.append(kind);
    buffer += '@';
    buffer.append(digits, end);
    buffer.append("__:");
    buffer.append(suffix);
    return buffer;
}

}  // namespace

EventPublisherScope::EventPublisherScope(ClientSession& client, resp::ReplyWriter& out)
    : previous_client_(running_command.client), previous_out_(running_command.out) {
    running_command = {&client, &out};
}

EventPublisherScope::~EventPublisherScope() { running_command = {previous_client_, previous_out_}; }

void publish_keyspace_event(ServerState& server, int flags, std::string_view event, std::string_view key, int db,
                            ClientSession* publisher, resp::ReplyWriter* publisher_out) {
    // Reused per thread; never two publications at once on one thread.
    thread_local std::string channel;
    if (flags & kev::kKeyspace)
        server.pubsub.publish(channel_name(channel, "keyspace", db, key), event, publisher, publisher_out);
    if (flags & kev::kKeyevent)
        server.pubsub.publish(channel_name(channel, "keyevent", db, event), key, publisher, publisher_out);
}

void finish_removal(CommandContext& c, int type, std::string_view event, std::int64_t removed, bool now_empty) {
    if (removed == 0) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    notify(c, type, event, c.arg(1));
    if (now_empty) delete_emptied(c, c.arg(1));
    c.out.integer(removed);
}

void StoreEventPublisher::key_deleted(int db, std::string_view key, KeyDeletion cause) {
    const int type = cause == KeyDeletion::expired ? kev::kExpired : kev::kEvicted;
    const int flags = server_.config.notify_keyspace_events.load(std::memory_order_relaxed);
    if (flags & type)
        publish_keyspace_event(server_, flags, cause == KeyDeletion::expired ? "expired" : "evicted", key, db,
                               running_command.client, running_command.out);
    if (next_) next_->key_deleted(db, key, cause);
}

}  // namespace corokv
