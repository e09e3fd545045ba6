// Generic key commands (Redis's db.c and expire.c): existence, deletion, renaming, copying,
// iteration (KEYS/SCAN/RANDOMKEY), TTLs and OBJECT introspection.
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "commands/command_table.hpp"
#include "commands/keyspace_events.hpp"
#include "commands/numbers.hpp"
#include "commands/scan.hpp"
#include "commands/server_state.hpp"
#include "store/glob.hpp"

namespace corokv {
namespace {

std::mt19937_64& rng() {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return gen;
}

void del_command(CommandContext& c) {
    std::int64_t deleted = 0;
    for (std::size_t i = 1; i < c.argc(); ++i) {
        if (c.peek(c.arg(i)) && c.erase(c.arg(i))) {
            ++deleted;
            notify(c, kev::kGeneric, "del", c.arg(i));
        }
    }
    c.out.integer(deleted);
    if (deleted == 0) c.log_nothing();
}

void exists_command(CommandContext& c) {
    std::int64_t found = 0;
    for (std::size_t i = 1; i < c.argc(); ++i)
        if (c.peek_read(c.arg(i))) ++found;
    c.out.integer(found);
}

void touch_command(CommandContext& c) {
    std::int64_t found = 0;
    for (std::size_t i = 1; i < c.argc(); ++i)
        if (c.find_read(c.arg(i))) ++found;
    c.out.integer(found);
}

void type_command(CommandContext& c) {
    Entry* e = c.peek_read(c.arg(1));
    c.out.simple(e ? type_name(type_of(e->value)) : "none");
}

// Every live key of the current database that matches, across all (locked) shards.
template <class F>
void for_each_live_key(CommandContext& c, F&& fn) {
    for (std::size_t s = 0; s < c.store.shard_count(); ++s) {
        c.store.shard(s).dbs[static_cast<std::size_t>(c.db())].dict().for_each(
            [&](std::string_view key, const Entry& e) {
                if (!is_expired(e, c.now_ms)) fn(key, e);
            });
    }
}

void keys_command(CommandContext& c) {
    std::string_view pattern = c.arg(1);
    const bool all = pattern == "*";
    std::vector<std::string_view> keys;
    for_each_live_key(c, [&](std::string_view key, const Entry&) {
        if (all || glob_match(pattern, key)) keys.push_back(key);
    });
    c.out.array(keys.size());
    for (std::string_view k : keys) c.out.bulk(k);
}

// A SCAN cursor names a shard (low bits) and a bucket cursor inside that shard's table.
struct ShardCursor {
    std::size_t shard;
    std::uint64_t bucket_cursor;
};

ShardCursor split_cursor(const Store& store, std::uint64_t cursor) {
    const int bits = std::countr_zero(store.shard_count());
    return {static_cast<std::size_t>(cursor & (store.shard_count() - 1)), cursor >> bits};
}

std::uint64_t join_cursor(const Store& store, ShardCursor sc) {
    const int bits = std::countr_zero(store.shard_count());
    return (sc.bucket_cursor << bits) | sc.shard;
}

void scan_command(CommandContext& c) {
    std::uint64_t cursor = 0;
    if (!scan_cursor_or_reply(c, c.arg(1), cursor)) return;
    ScanOptions o;
    if (!scan_options_or_reply(c, 2, true, o)) return;
    ShardCursor sc = split_cursor(c.store, cursor);
    std::vector<std::string_view> keys;
    std::vector<std::string> expired;  // deleted after the walk, which must not change the table
    std::int64_t budget = o.count * 10;
    auto collect = [&](std::string_view key, const Entry& e) {
        if (o.use_pattern && !glob_match(o.pattern, key)) return;
        if (is_expired(e, c.expiry_clock_ms)) {
            expired.emplace_back(key);
            return;
        }
        if (o.has_type && !option_is(o.type, type_name(type_of(e.value)))) return;
        keys.push_back(key);
    };
    bool done = false;
    while (!done && budget-- > 0 && static_cast<std::int64_t>(keys.size()) < o.count) {
        const Keyspace& ks = c.store.shard(sc.shard).dbs[static_cast<std::size_t>(c.db())];
        sc.bucket_cursor = ks.dict().scan(sc.bucket_cursor, collect);
        if (sc.bucket_cursor == 0) {
            // This shard is finished: move on to the next one, or end the iteration.
            if (++sc.shard == c.store.shard_count()) done = true;
        }
    }
    // Redis's SCAN deletes the expired keys it meets (lazy expiry: "expired" events, stats).
    for (const std::string& key : expired) c.peek(key);
    reply_scan(c, done ? 0 : join_cursor(c.store, sc), keys);
}

void randomkey_command(CommandContext& c) {
    // Pick a shard with probability proportional to its size, then a key inside it.
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::size_t total = 0;
        for (std::size_t s = 0; s < c.store.shard_count(); ++s)
            total += c.store.shard(s).dbs[static_cast<std::size_t>(c.db())].size();
        if (total == 0) break;
        std::size_t r = std::uniform_int_distribution<std::size_t>(0, total - 1)(rng());
        for (std::size_t s = 0; s < c.store.shard_count(); ++s) {
            Keyspace& ks = c.store.shard(s).dbs[static_cast<std::size_t>(c.db())];
            if (r >= ks.size()) {
                r -= ks.size();
                continue;
            }
            auto* node = ks.dict().random_node(rng());
            if (!is_expired(node->value, c.now_ms)) {
                c.out.bulk(node->key);
                return;
            }
            std::string expired = node->key;
            ks.find(expired, hash_bytes(expired), c.now_ms);  // deletes it (lazy expiry)
            break;
        }
    }
    c.out.null();
}

void rename_generic(CommandContext& c, bool nx) {
    std::string_view src = c.arg(1), dst = c.arg(2);
    Entry* e = c.find(src);
    if (!e) {
        c.out.error(errors::kNoSuchKey);
        return;
    }
    if (src == dst) {
        if (nx) c.out.integer(0);
        else c.out.ok();
        c.log_nothing();
        return;
    }
    if (nx && c.find(dst)) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    // The value moves with its access history (Redis moves the object itself).
    Value moved = std::move(e->value);
    const Entry history = Entry{{}, e->expire_at_ms, e->access_ticks, e->lfu_minutes, e->lfu_counter};
    c.erase(src);
    // Redis deletes an existing destination and adds the key anew: "new" either way.
    c.erase(dst);
    Entry& target = c.overwrite(dst, std::move(moved));
    if (history.expire_at_ms != 0) c.set_expire(dst, target, history.expire_at_ms);
    target.access_ticks = history.access_ticks;
    target.lfu_minutes = history.lfu_minutes;
    target.lfu_counter = history.lfu_counter;
    notify(c, kev::kGeneric, "rename_from", src);
    notify(c, kev::kGeneric, "rename_to", dst);
    if (nx) c.out.integer(1);
    else c.out.ok();
}
void rename_command(CommandContext& c) { rename_generic(c, false); }
void renamenx_command(CommandContext& c) { rename_generic(c, true); }

void copy_command(CommandContext& c) {
    std::string_view src = c.arg(1), dst = c.arg(2);
    int dst_db = c.db();
    bool replace = false;
    for (std::size_t j = 3; j < c.argc(); ++j) {
        const bool has_more = j + 1 < c.argc();
        if (option_is(c.arg(j), "replace")) {
            replace = true;
        } else if (option_is(c.arg(j), "db") && has_more) {
            int db = 0;
            if (!int32_arg_or_reply(c, c.arg(j + 1), db)) return;
            if (db < 0 || db >= c.store.databases()) {
                c.out.error(errors::kDbOutOfRange);
                return;
            }
            dst_db = db;
            ++j;
        } else {
            c.out.error(errors::kSyntax);
            return;
        }
    }
    if (dst_db == c.db() && src == dst) {
        c.out.error("ERR source and destination objects are the same");
        return;
    }
    Entry* e = c.find_read(src);  // a read of the source, counted as Redis does
    const bool dst_exists = e && c.find_in(dst, dst_db);
    if (!e || (dst_exists && !replace)) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    Value copy = e->value;
    const std::int64_t expire = e->expire_at_ms;
    // Redis deletes a replaced destination and adds the copy anew: "new" either way.
    if (dst_exists) c.erase_in(dst, dst_db);
    Entry* target = c.find_or_create_in(dst, dst_db).first;
    target->value = std::move(copy);
    Keyspace& ks = c.keyspace(hash_bytes(dst), dst_db);
    ks.set_expire(dst, *target, expire);
    notify(c, kev::kGeneric, "copy_to", dst, dst_db);
    c.out.integer(1);
}

// --- TTLs -------------------------------------------------------------------------------

enum ExpireFlag : unsigned { NX = 1, XX = 2, GT = 4, LT = 8 };

bool expire_flags_or_reply(CommandContext& c, unsigned& flags) {
    for (std::size_t j = 3; j < c.argc(); ++j) {
        std::string_view opt = c.arg(j);
        if (option_is(opt, "nx")) flags |= NX;
        else if (option_is(opt, "xx")) flags |= XX;
        else if (option_is(opt, "gt")) flags |= GT;
        else if (option_is(opt, "lt")) flags |= LT;
        else {
            c.out.error("ERR Unsupported option " + error_arg(opt));
            return false;
        }
    }
    if ((flags & NX) && (flags & (XX | GT | LT))) {
        c.out.error("ERR NX and XX, GT or LT options at the same time are not compatible");
        return false;
    }
    if ((flags & GT) && (flags & LT)) {
        c.out.error("ERR GT and LT options at the same time are not compatible");
        return false;
    }
    return true;
}

// Whether NX/XX/GT/LT allow replacing `current` (0 = no TTL, i.e. infinite) with `when`.
bool expire_condition_holds(unsigned flags, std::int64_t current, std::int64_t when) {
    if ((flags & NX) && current != 0) return false;
    if ((flags & XX) && current == 0) return false;
    if ((flags & GT) && (current == 0 || when <= current)) return false;
    if ((flags & LT) && current != 0 && when >= current) return false;
    return true;
}

void expire_generic(CommandContext& c, std::int64_t basetime_ms, bool seconds) {
    // Redis validates the options before the time argument.
    unsigned flags = 0;
    if (!expire_flags_or_reply(c, flags)) return;
    std::int64_t when = 0;
    if (!int_arg_or_reply(c, c.arg(2), when)) return;
    if (seconds) {
        if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
            reply_invalid_expire(c);
            return;
        }
        when *= 1000;
    }
    if (when > INT64_MAX - basetime_ms) {
        reply_invalid_expire(c);
        return;
    }
    when += basetime_ms;
    Entry* e = c.find(c.arg(1));
    if (!e || !expire_condition_holds(flags, e->expire_at_ms, when)) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    // Logged as DEL or PEXPIREAT with the absolute time: a replay never extends the TTL.
    if (when <= c.expiry_clock_ms) {
        c.erase(c.arg(1));
        c.log_as({"DEL", c.arg(1)});
        notify(c, kev::kGeneric, "del", c.arg(1));
        c.out.integer(1);
    } else {
        c.set_expire(c.arg(1), *e, when);
        char buf[24];
        c.log_as({"PEXPIREAT", c.arg(1), format_int64(when, buf)});
        c.out.integer(1);  // Redis replies before it notifies here
        notify(c, kev::kGeneric, "expire", c.arg(1));
    }
}

void expire_command(CommandContext& c) { expire_generic(c, c.now_ms, true); }
void pexpire_command(CommandContext& c) { expire_generic(c, c.now_ms, false); }
void expireat_command(CommandContext& c) { expire_generic(c, 0, true); }
void pexpireat_command(CommandContext& c) { expire_generic(c, 0, false); }

enum class TtlOutput { relative_seconds, relative_ms, absolute_seconds, absolute_ms };

void ttl_generic(CommandContext& c, TtlOutput output) {
    Entry* e = c.peek_read(c.arg(1));
    if (!e) {
        c.out.integer(-2);
        return;
    }
    if (e->expire_at_ms == 0) {
        c.out.integer(-1);
        return;
    }
    const bool absolute = output == TtlOutput::absolute_seconds || output == TtlOutput::absolute_ms;
    const bool ms = output == TtlOutput::relative_ms || output == TtlOutput::absolute_ms;
    std::int64_t ttl = absolute ? e->expire_at_ms : e->expire_at_ms - c.now_ms;
    if (ttl < 0) ttl = 0;
    c.out.integer(ms ? ttl : (ttl + 500) / 1000);
}

void ttl_command(CommandContext& c) { ttl_generic(c, TtlOutput::relative_seconds); }
void pttl_command(CommandContext& c) { ttl_generic(c, TtlOutput::relative_ms); }
void expiretime_command(CommandContext& c) { ttl_generic(c, TtlOutput::absolute_seconds); }
void pexpiretime_command(CommandContext& c) { ttl_generic(c, TtlOutput::absolute_ms); }

void persist_command(CommandContext& c) {
    Entry* e = c.find(c.arg(1));
    if (!e || e->expire_at_ms == 0) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    c.set_expire(c.arg(1), *e, 0);
    notify(c, kev::kGeneric, "persist", c.arg(1));
    c.out.integer(1);
}

// --- OBJECT -------------------------------------------------------------------------------

// Redis's objectCommandLookup (LOOKUP_NOTOUCH | LOOKUP_NONOTIFY): a read counted in the
// keyspace hits/misses, but one that raises no keymiss event.
Entry* object_lookup(CommandContext& c, std::string_view key) {
    Entry* e = c.peek(key);
    ShardStats& st = c.shard_stats(c.hash_of(key));
    ++(e ? st.keyspace_hits : st.keyspace_misses);
    return e;
}

void object_encoding_command(CommandContext& c) {
    Entry* e = object_lookup(c, c.arg(2));
    if (e) c.out.bulk(encoding_name(e->value));
    else c.out.null();
}

void object_refcount_command(CommandContext& c) {
    Entry* e = object_lookup(c, c.arg(2));
    if (!e) {
        c.out.null();
        return;
    }
    // Redis shares the objects for small integers 0..9999; their refcount reads INT_MAX.
    const auto* s = std::get_if<StringValue>(&e->value);
    const bool shared = s && s->is_int() && s->as_int() >= 0 && s->as_int() < 10000;
    c.out.integer(shared ? 2147483647 : 1);
}

// Under an LFU policy Redis keeps only frequencies, under the others only access times, and
// OBJECT refuses to show the one it does not track. corokv tracks both but answers the same.
constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
    "between policies at runtime LRU and LFU data will take some time to adjust.";

bool lfu_policy(const CommandContext& c) { return is_lfu(c.server.config.maxmemory_policy.load()); }

void object_idletime_command(CommandContext& c) {
    Entry* e = object_lookup(c, c.arg(2));
    if (!e) {
        c.out.null();
        return;
    }
    if (lfu_policy(c)) {
        c.out.error(kLfuSelected);
        return;
    }
    c.out.integer(idle_seconds(*e, c.now_ms));
}

void object_freq_command(CommandContext& c) {
    Entry* e = object_lookup(c, c.arg(2));
    if (!e) {
        c.out.null();
        return;
    }
    if (!lfu_policy(c)) {
        c.out.error(kLfuNotSelected);
        return;
    }
    c.out.integer(lfu_decayed_counter(*e, c.now_ms, c.server.config.lfu_decay_time.load()));
}

void object_help_command(CommandContext& c) {
    static constexpr std::string_view lines[] = {"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                   "ENCODING <key>",
                   "    Return the kind of internal representation used in order to store the value",
                   "    associated with a <key>.",
                   "FREQ <key>",
                   "    Return the access frequency index of the <key>. The returned integer is",
                   "    proportional to the logarithm of the recent access frequency of the key.",
                   "IDLETIME <key>",
                   "    Return the idle time of the <key>, that is the approximated number of",
                   "    seconds elapsed since the last access to the key.",
                   "REFCOUNT <key>",
                   "    Return the number of references of the value associated with the specified",
                   "    <key>.",
                   "HELP",
                   "    Prints this help."};
    reply_help(c.out, lines);
}

constexpr KeyRange kFirstKey{1, 1, 1};
constexpr KeyRange kObjectKey{2, 2, 1};

const CommandSpec kObjectSubcommands[] = {
    {"encoding", 3, kReadonly | kKeysBlind, kObjectKey, object_encoding_command, "generic", "2.2.3",
     "Inspect the internal encoding of a Redis object", "O(1)"},
    {"freq", 3, kReadonly | kKeysBlind, kObjectKey, object_freq_command, "generic", "4.0.0",
     "Get the logarithmic access frequency counter of a Redis object", "O(1)"},
    {"idletime", 3, kReadonly | kKeysBlind, kObjectKey, object_idletime_command, "generic", "2.2.3",
     "Get the time since a Redis object was last accessed", "O(1)"},
    {"refcount", 3, kReadonly | kKeysBlind, kObjectKey, object_refcount_command, "generic", "2.2.3",
     "Get the number of references to the value of the key", "O(1)"},
    {"help", 2, kLoading | kStale, {}, object_help_command, "generic", "6.2.0",
     "Show helpful text about the different subcommands", "O(1)"},
};

const CommandSpec kKeyCommands[] = {
    {"del", -2, kWrite | kKeysWriteOnly, {1, -1, 1}, del_command, "generic", "1.0.0", "Delete a key",
     "O(N) where N is the number of keys that will be removed."},
    {"unlink", -2, kWrite | kFast | kKeysWriteOnly, {1, -1, 1}, del_command, "generic", "4.0.0",
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
     "O(1) for each key removed regardless of its size."},
    {"exists", -2, kReadonly | kFast | kKeysBlind, {1, -1, 1}, exists_command, "generic", "1.0.0",
     "Determine if a key exists", "O(N) where N is the number of keys to check."},
    {"touch", -2, kReadonly | kFast | kKeysBlind, {1, -1, 1}, touch_command, "generic", "3.2.1",
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "O(N) where N is the number of keys that will be touched."},
    {"type", 2, kReadonly | kFast | kKeysBlind, kFirstKey, type_command, "generic", "1.0.0",
     "Determine the type stored at key", "O(1)"},
    {"keys", 2, kReadonly | kAllShards, {}, keys_command, "generic", "1.0.0",
     "Find all keys matching the given pattern", "O(N) with N being the number of keys in the database"},
    {"scan", -2, kReadonly | kAllShards, {}, scan_command, "generic", "2.8.0",
     "Incrementally iterate the keys space", "O(1) for every call. O(N) for a complete iteration."},
    {"randomkey", 1, kReadonly | kAllShards, {}, randomkey_command, "generic", "1.0.0",
     "Return a random key from the keyspace", "O(1)"},
    {"rename", 3, kWrite | kDestLast, {1, 2, 1}, rename_command, "generic", "1.0.0", "Rename a key", "O(1)"},
    {"renamenx", 3, kWrite | kFast | kDestLast, {1, 2, 1}, renamenx_command, "generic", "1.0.0",
     "Rename a key, only if the new key does not exist", "O(1)"},
    {"copy", -3, kWrite | kDenyOom | kDestLast | kKeysReadOnly, {1, 2, 1}, copy_command, "generic", "6.2.0", "Copy a key",
     "O(N) worst case for collections, where N is the number of nested items."},
    {"expire", -3, kWrite | kFast | kKeysWriteOnly, kFirstKey, expire_command, "generic", "1.0.0",
     "Set a key's time to live in seconds", "O(1)"},
    {"pexpire", -3, kWrite | kFast | kKeysWriteOnly, kFirstKey, pexpire_command, "generic", "2.6.0",
     "Set a key's time to live in milliseconds", "O(1)"},
    {"expireat", -3, kWrite | kFast | kKeysWriteOnly, kFirstKey, expireat_command, "generic", "1.2.0",
     "Set the expiration for a key as a UNIX timestamp", "O(1)"},
    {"pexpireat", -3, kWrite | kFast | kKeysWriteOnly, kFirstKey, pexpireat_command, "generic", "2.6.0",
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "O(1)"},
    {"ttl", 2, kReadonly | kFast, kFirstKey, ttl_command, "generic", "1.0.0",
     "Get the time to live for a key in seconds", "O(1)"},
    {"pttl", 2, kReadonly | kFast, kFirstKey, pttl_command, "generic", "2.6.0",
     "Get the time to live for a key in milliseconds", "O(1)"},
    {"expiretime", 2, kReadonly | kFast, kFirstKey, expiretime_command, "generic", "7.0.0",
     "Get the expiration Unix timestamp for a key", "O(1)"},
    {"pexpiretime", 2, kReadonly | kFast, kFirstKey, pexpiretime_command, "generic", "7.0.0",
     "Get the expiration Unix timestamp for a key in milliseconds", "O(1)"},
    {"persist", 2, kWrite | kFast | kKeysWriteOnly, kFirstKey, persist_command, "generic", "2.2.0",
     "Remove the expiration from a key", "O(1)"},
    {"object", -2, 0, {}, nullptr, "generic", "2.2.3",
     "A container for object introspection commands", "Depends on subcommand.", kObjectSubcommands},
};

}  // namespace

// --- SCAN helpers shared with HSCAN ------------------------------------------------------

bool scan_cursor_or_reply(CommandContext& c, std::string_view arg, std::uint64_t& cursor) {
    // Redis 7.0's parseScanCursorOrReply: strtoul on the argument as a C string, so it
    // stops at a NUL byte, reads "" as 0 and wraps "-1" around; only a leading space,
    // trailing bytes and overflow are refused.
    std::string text(arg.substr(0, arg.find('\0')));
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (std::isspace(static_cast<unsigned char>(text.c_str()[0])) || *end != '\0' || errno == ERANGE) {
        c.out.error("ERR invalid cursor");
        return false;
    }
    cursor = v;
    return true;
}

bool scan_options_or_reply(CommandContext& c, std::size_t from, bool allow_type, ScanOptions& o) {
    for (std::size_t i = from; i < c.argc();) {
        const bool has_value = c.argc() - i >= 2;
        if (option_is(c.arg(i), "count") && has_value) {
            if (!int_arg_or_reply(c, c.arg(i + 1), o.count)) return false;
            if (o.count < 1) {
                c.out.error(errors::kSyntax);
                return false;
            }
        } else if (option_is(c.arg(i), "match") && has_value) {
            o.pattern = c.arg(i + 1);
            o.use_pattern = o.pattern != "*";
        } else if (option_is(c.arg(i), "type") && allow_type && has_value) {
            o.type = c.arg(i + 1);
            o.has_type = true;
        } else {
            c.out.error(errors::kSyntax);
            return false;
        }
        i += 2;
    }
    return true;
}

void reply_scan(CommandContext& c, std::uint64_t cursor, const std::vector<std::string_view>& items) {
    c.out.array(2);
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, cursor);
    (void)ec;
    c.out.bulk(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    c.out.array(items.size());
    for (std::string_view item : items) c.out.bulk(item);
}

std::span<const CommandSpec> key_commands() { return kKeyCommands; }

}  // namespace corokv
