// Pub/Sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH,
// SPUBLISH, PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP, and the registry
// they share. Delivery to other connections goes through ClientSession::deliver; the server
// layer queues the frame on the subscriber's own thread and enforces
// client-output-buffer-limit pubsub.
#include "commands/pubsub.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>

#include "commands/command_table.hpp"
#include "commands/server_state.hpp"
#include "store/glob.hpp"

namespace corokv {
namespace {

constexpr std::string_view kSubscribeReply[] = {"subscribe", "psubscribe", "ssubscribe"};
constexpr std::string_view kUnsubscribeReply[] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

std::size_t index_of(SubscriptionKind kind) { return static_cast<std::size_t>(kind); }

void append_bulk(std::string& out, std::string_view s) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, s.size());
    (void)ec;
    out += '$';
    out.append(digits, end);  // no temporary string: keyspace events publish at command rates
    out += "\r\n";
    out.append(s);
    out += "\r\n";
}

// message / smessage: [kind, channel, payload]; pmessage: [pmessage, pattern, channel, payload].
PushFrame encode_message(std::string_view kind, std::string_view pattern, std::string_view channel,
                         std::string_view payload) {
    auto frame = std::make_shared<std::string>();
    frame->reserve(kind.size() + pattern.size() + channel.size() + payload.size() + 48);
    *frame += pattern.empty() ? "*3\r\n" : "*4\r\n";
    append_bulk(*frame, kind);
    if (!pattern.empty()) append_bulk(*frame, pattern);
    append_bulk(*frame, channel);
    append_bulk(*frame, payload);
    return frame;
}

// The publisher's own copy, written in its reply stream in its protocol.
void write_own_copy(resp::ReplyWriter& out, const std::string& frame) {
    std::string& buffer = out.buffer();
    buffer += out.protocol() >= 3 ? '>' : '*';
    buffer.append(frame, 1);
}

void update_shown_counts(ClientSession& client) {
    const Subscriptions& s = client.subscriptions;
    client.sub_shown.store(static_cast<int>(s.names[0].size()), std::memory_order_relaxed);
    client.psub_shown.store(static_cast<int>(s.names[1].size()), std::memory_order_relaxed);
    client.ssub_shown.store(static_cast<int>(s.names[2].size()), std::memory_order_relaxed);
}

// The count in (un)subscribe replies: channels + patterns, or shard channels alone.
std::int64_t subscription_count(const ClientSession& client, SubscriptionKind kind) {
    const Subscriptions& s = client.subscriptions;
    return static_cast<std::int64_t>(kind == SubscriptionKind::shard ? s.names[2].size() : s.classic());
}

void reply_subscription(CommandContext& c, std::string_view verb, std::string_view name, bool has_name,
                        SubscriptionKind kind) {
    c.out.push(3);
    c.out.bulk(verb);
    if (has_name) c.out.bulk(name);
    else c.out.null();
    c.out.integer(subscription_count(c.client, kind));
}

bool add_name(std::vector<std::string>& names, std::string_view name) {
    if (std::find(names.begin(), names.end(), name) != names.end()) return false;
    names.emplace_back(name);
    return true;
}

bool remove_name(std::vector<std::string>& names, std::string_view name) {
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return false;
    *it = std::move(names.back());
    names.pop_back();
    return true;
}

void subscribe_generic(CommandContext& c, SubscriptionKind kind) {
    for (std::size_t i = 1; i < c.argc(); ++i) {
        if (add_name(c.client.subscriptions.names[index_of(kind)], c.arg(i)))
            c.server.pubsub.subscribe(kind, c.arg(i), c.client);
        update_shown_counts(c.client);
        reply_subscription(c, kSubscribeReply[index_of(kind)], c.arg(i), true, kind);
    }
}

void unsubscribe_one(CommandContext& c, SubscriptionKind kind, std::string_view name) {
    if (remove_name(c.client.subscriptions.names[index_of(kind)], name))
        c.server.pubsub.unsubscribe(kind, name, c.client);
    update_shown_counts(c.client);
    reply_subscription(c, kUnsubscribeReply[index_of(kind)], name, true, kind);
}

// Without arguments: every subscription of that kind, or one reply with a null name when
// there is none.
void unsubscribe_generic(CommandContext& c, SubscriptionKind kind) {
    if (c.argc() > 1) {
        for (std::size_t i = 1; i < c.argc(); ++i) unsubscribe_one(c, kind, c.arg(i));
        return;
    }
    const std::vector<std::string> names = c.client.subscriptions.names[index_of(kind)];
    if (names.empty()) {
        reply_subscription(c, kUnsubscribeReply[index_of(kind)], {}, false, kind);
        return;
    }
    for (const std::string& name : names) unsubscribe_one(c, kind, name);
}

void subscribe_command(CommandContext& c) { subscribe_generic(c, SubscriptionKind::channel); }
void psubscribe_command(CommandContext& c) { subscribe_generic(c, SubscriptionKind::pattern); }
void ssubscribe_command(CommandContext& c) { subscribe_generic(c, SubscriptionKind::shard); }
void unsubscribe_command(CommandContext& c) { unsubscribe_generic(c, SubscriptionKind::channel); }
void punsubscribe_command(CommandContext& c) { unsubscribe_generic(c, SubscriptionKind::pattern); }
void sunsubscribe_command(CommandContext& c) { unsubscribe_generic(c, SubscriptionKind::shard); }

void publish_command(CommandContext& c) {
    c.out.integer(c.server.pubsub.publish(false, c.arg(1), c.arg(2), c.client, c.out));
}
void spublish_command(CommandContext& c) {
    c.out.integer(c.server.pubsub.publish(true, c.arg(1), c.arg(2), c.client, c.out));
}

// PUBSUB CHANNELS/SHARDCHANNELS take one optional pattern; more is Redis's syntax error.
void pubsub_names_generic(CommandContext& c, SubscriptionKind kind) {
    if (c.argc() > 3) {
        reply_subcommand_syntax_error(c);
        return;
    }
    std::optional<std::string_view> pattern;
    if (c.argc() == 3) pattern = c.arg(2);
    const std::vector<std::string> names = c.server.pubsub.names(kind, pattern);
    c.out.array(names.size());
    for (const std::string& name : names) c.out.bulk(name);
}

void pubsub_numsub_generic(CommandContext& c, SubscriptionKind kind) {
    c.out.array(2 * (c.argc() - 2));
    for (std::size_t i = 2; i < c.argc(); ++i) {
        c.out.bulk(c.arg(i));
        c.out.integer(c.server.pubsub.subscribers(kind, c.arg(i)));
    }
}

void pubsub_channels_command(CommandContext& c) { pubsub_names_generic(c, SubscriptionKind::channel); }
void pubsub_shardchannels_command(CommandContext& c) { pubsub_names_generic(c, SubscriptionKind::shard); }
void pubsub_numsub_command(CommandContext& c) { pubsub_numsub_generic(c, SubscriptionKind::channel); }
void pubsub_shardnumsub_command(CommandContext& c) { pubsub_numsub_generic(c, SubscriptionKind::shard); }
void pubsub_numpat_command(CommandContext& c) { c.out.integer(c.server.pubsub.pattern_count()); }

void pubsub_help_command(CommandContext& c) {
    static constexpr std::string_view lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c.out, lines);
}

// Allowed while a RESP2 connection is subscribed (kSubscribedOk), as Redis lists them.
constexpr std::uint32_t kSub = kPubsub | kNoscript | kLoading | kStale | kSubscribedOk;
constexpr std::uint32_t kIntrospect = kPubsub | kLoading | kStale;

const CommandSpec kPubsubSubcommands[] = {
    {"channels", -2, kIntrospect, {}, pubsub_channels_command, "pubsub", "2.8.0",
     "Returns the active channels.", "O(N) where N is the number of active channels"},
    {"numpat", 2, kIntrospect, {}, pubsub_numpat_command, "pubsub", "2.8.0",
     "Returns a count of unique pattern subscriptions.", "O(1)"},
    {"numsub", -2, kIntrospect, {}, pubsub_numsub_command, "pubsub", "2.8.0",
     "Returns a count of subscribers to channels.", "O(N) for the NUMSUB subcommand"},
    {"shardchannels", -2, kIntrospect, {}, pubsub_shardchannels_command, "pubsub", "7.0.0",
     "Returns the active shard channels.", "O(N) where N is the number of active shard channels"},
    {"shardnumsub", -2, kIntrospect, {}, pubsub_shardnumsub_command, "pubsub", "7.0.0",
     "Returns the count of subscribers of shard channels.", "O(N) for the SHARDNUMSUB subcommand"},
    {"help", 2, kLoading | kStale, {}, pubsub_help_command, "pubsub", "6.2.0",
     "Returns helpful text about the different subcommands.", "O(1)"},
};

const CommandSpec kPubsubCommands[] = {
    {"subscribe", -2, kSub, {}, subscribe_command, "pubsub", "2.0.0",
     "Listens for messages published to channels.", "O(N) where N is the number of channels to subscribe to."},
    {"unsubscribe", -1, kSub, {}, unsubscribe_command, "pubsub", "2.0.0",
     "Stops listening to messages posted to channels.", "O(N) where N is the number of channels to unsubscribe."},
    {"psubscribe", -2, kSub, {}, psubscribe_command, "pubsub", "2.0.0",
     "Listens for messages published to channels that match one or more patterns.",
     "O(N) where N is the number of patterns to subscribe to."},
    {"punsubscribe", -1, kSub, {}, punsubscribe_command, "pubsub", "2.0.0",
     "Stops listening to messages published to channels that match one or more patterns.",
     "O(N) where N is the number of patterns to unsubscribe."},
    {"ssubscribe", -2, kSub, {1, -1, 1}, ssubscribe_command, "pubsub", "7.0.0",
     "Listens for messages published to shard channels.", "O(N) where N is the number of shard channels to subscribe to."},
    {"sunsubscribe", -1, kSub, {1, -1, 1}, sunsubscribe_command, "pubsub", "7.0.0",
     "Stops listening to messages posted to shard channels.",
     "O(N) where N is the number of shard channels to unsubscribe."},
    {"publish", 3, kPubsub | kLoading | kStale | kFast | kMayReplicate, {}, publish_command, "pubsub", "2.0.0",
     "Posts a message to a channel.",
     "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of "
     "subscribed patterns (by any client)."},
    {"spublish", 3, kPubsub | kLoading | kStale | kFast | kMayReplicate, {1, 1, 1}, spublish_command, "pubsub", "7.0.0",
     "Post a message to a shard channel", "O(N) where N is the number of clients subscribed to the receiving shard channel."},
    {"pubsub", -2, 0, {}, nullptr, "pubsub", "2.8.0", "A container for Pub/Sub commands.",
     "Depends on subcommand.", kPubsubSubcommands},
};

}  // namespace

// --- the registry ---------------------------------------------------------------------------

bool PubSub::subscribe(SubscriptionKind kind, std::string_view name, ClientSession& client) {
    std::unique_lock lock(mutex_);
    Subscribers& subs = table(kind)[std::string(name)];
    if (std::find(subs.begin(), subs.end(), &client) != subs.end()) return false;
    subs.push_back(&client);
    return true;
}

bool PubSub::unsubscribe(SubscriptionKind kind, std::string_view name, ClientSession& client) {
    std::unique_lock lock(mutex_);
    Table& t = table(kind);
    auto it = t.find(std::string(name));
    if (it == t.end()) return false;
    Subscribers& subs = it->second;
    auto pos = std::find(subs.begin(), subs.end(), &client);
    if (pos == subs.end()) return false;
    subs.erase(pos);  // keeps the others in subscription order
    if (subs.empty()) t.erase(it);
    return true;
}

std::int64_t PubSub::publish(bool shard, std::string_view channel, std::string_view message,
                             ClientSession* publisher, resp::ReplyWriter* publisher_out) {
    std::int64_t receivers = 0;
    auto send = [&](ClientSession* to, const PushFrame& frame) {
        ++receivers;
        if (to == publisher) write_own_copy(*publisher_out, *frame);
        else if (to->deliver) to->deliver(frame);
    };
    std::shared_lock lock(mutex_);
    const Table& channels = table(shard ? SubscriptionKind::shard : SubscriptionKind::channel);
    if (auto it = channels.find(channel); it != channels.end()) {
        const PushFrame frame = encode_message(shard ? "smessage" : "message", {}, channel, message);
        for (ClientSession* to : it->second) send(to, frame);
    }
    if (shard) return receivers;
    for (const auto& [pattern, subs] : table(SubscriptionKind::pattern)) {
        if (!glob_match(pattern, channel)) continue;
        const PushFrame frame = encode_message("pmessage", pattern, channel, message);
        for (ClientSession* to : subs) send(to, frame);
    }
    return receivers;
}

std::vector<std::string> PubSub::names(SubscriptionKind kind, std::optional<std::string_view> pattern) const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [name, subs] : table(kind))
        if (!pattern || glob_match(*pattern, name)) out.push_back(name);
    return out;
}

std::int64_t PubSub::subscribers(SubscriptionKind kind, std::string_view name) const {
    std::shared_lock lock(mutex_);
    const Table& t = table(kind);
    auto it = t.find(std::string(name));
    return it == t.end() ? 0 : static_cast<std::int64_t>(it->second.size());
}

std::int64_t PubSub::pattern_count() const {
    std::shared_lock lock(mutex_);
    return static_cast<std::int64_t>(table(SubscriptionKind::pattern).size());
}

void unsubscribe_all(PubSub& pubsub, ClientSession& client) {
    for (std::size_t k = 0; k < 3; ++k) {
        for (const std::string& name : client.subscriptions.names[k])
            pubsub.unsubscribe(static_cast<SubscriptionKind>(k), name, client);
        client.subscriptions.names[k].clear();
    }
    update_shown_counts(client);
}

std::span<const CommandSpec> pubsub_commands() { return kPubsubCommands; }

}  // namespace corokv
