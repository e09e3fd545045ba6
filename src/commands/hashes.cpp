// Hash commands (Redis's t_hash.c).
#include <cmath>
#include <random>
#include <vector>

#include "commands/command_table.hpp"
#include "commands/keyspace_events.hpp"
#include "commands/numbers.hpp"
#include "commands/scan.hpp"
#include "store/glob.hpp"

namespace corokv {
namespace {

std::mt19937_64& rng() {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return gen;
}

// The hash at `key` for writing, created if missing; nullptr after a WRONGTYPE reply.
HashValue* hash_for_write(CommandContext& c, std::string_view key) {
    auto [e, created] = c.find_or_create(key);
    if (created) e->value = HashValue{};
    return typed_or_reply<HashValue>(c, e);
}

// The hash at `key` for reading; nullptr if missing (replied = false) or wrong type
// (replied = true).
HashValue* hash_for_read(CommandContext& c, std::string_view key, bool& replied) {
    return existing_or_reply<HashValue>(c, c.find_read(key), replied);
}

void hset_command(CommandContext& c) {
    if (c.argc() % 2 == 1) {
        reply_wrong_arity(c.out, c.spec->name);
        return;
    }
    HashValue* h = hash_for_write(c, c.arg(1));
    if (!h) return;
    std::int64_t added = 0;
    for (std::size_t i = 2; i + 1 < c.argc(); i += 2) added += h->set(c.arg(i), c.arg(i + 1));
    if (c.spec->name == "hmset") c.out.ok();
    else c.out.integer(added);
    notify(c, kev::kHash, "hset", c.arg(1));  // after the reply, as Redis
}

void hsetnx_command(CommandContext& c) {
    HashValue* h = hash_for_write(c, c.arg(1));
    if (!h) return;
    if (h->fields().find(c.arg(2))) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    h->set(c.arg(2), c.arg(3));
    c.out.integer(1);
    notify(c, kev::kHash, "hset", c.arg(1));
}

void hget_command(CommandContext& c) {
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (replied) return;
    const std::string* v = h ? h->fields().find(c.arg(2)) : nullptr;
    if (v) c.out.bulk(*v);
    else c.out.null();
}

void hmget_command(CommandContext& c) {
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (replied) return;
    c.out.array(c.argc() - 2);
    for (std::size_t i = 2; i < c.argc(); ++i) {
        const std::string* v = h ? h->fields().find(c.arg(i)) : nullptr;
        if (v) c.out.bulk(*v);
        else c.out.null();
    }
}

void hdel_command(CommandContext& c) {
    Entry* e = c.find(c.arg(1));
    if (!e) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    auto* h = typed_or_reply<HashValue>(c, e);
    if (!h) return;
    std::int64_t deleted = 0;
    for (std::size_t i = 2; i < c.argc() && h->size() > 0; ++i) deleted += h->fields().erase(c.arg(i));
    finish_removal(c, kev::kHash, "hdel", deleted, h->size() == 0);
}

void hlen_command(CommandContext& c) {
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (!replied) c.out.integer(h ? static_cast<std::int64_t>(h->size()) : 0);
}

void hstrlen_command(CommandContext& c) {
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (replied) return;
    const std::string* v = h ? h->fields().find(c.arg(2)) : nullptr;
    c.out.integer(v ? static_cast<std::int64_t>(v->size()) : 0);
}

void hexists_command(CommandContext& c) {
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (!replied) c.out.integer(h && h->fields().find(c.arg(2)) ? 1 : 0);
}

enum class HashParts { keys = 1, values = 2, both = 3 };

void reply_hash_all(CommandContext& c, const HashValue* h, HashParts parts) {
    const std::size_t n = h ? h->size() : 0;
    if (parts == HashParts::both) c.out.map(n);
    else c.out.array(n);
    if (!h) return;
    h->fields().for_each([&](std::string_view field, const std::string& value) {
        if (parts != HashParts::values) c.out.bulk(field);
        if (parts != HashParts::keys) c.out.bulk(value);
    });
}

void hash_all_generic(CommandContext& c, HashParts parts) {
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (!replied) reply_hash_all(c, h, parts);
}
void hgetall_command(CommandContext& c) { hash_all_generic(c, HashParts::both); }
void hkeys_command(CommandContext& c) { hash_all_generic(c, HashParts::keys); }
void hvals_command(CommandContext& c) { hash_all_generic(c, HashParts::values); }

void hincrby_command(CommandContext& c) {
    std::int64_t delta = 0;
    if (!int_arg_or_reply(c, c.arg(3), delta)) return;
    HashValue* h = hash_for_write(c, c.arg(1));
    if (!h) return;
    std::int64_t current = 0;
    if (const std::string* v = h->fields().find(c.arg(2))) {
        auto n = parse_int(*v);
        if (!n) {
            c.out.error("ERR hash value is not an integer");
            return;
        }
        current = *n;
    }
    std::int64_t result = 0;
    if (__builtin_add_overflow(current, delta, &result)) {
        c.out.error(errors::kOverflow);
        return;
    }
    char buf[24];
    h->set(c.arg(2), format_int64(result, buf));
    c.out.integer(result);
    notify(c, kev::kHash, "hincrby", c.arg(1));
}

void hincrbyfloat_command(CommandContext& c) {
    auto delta = parse_long_double(c.arg(3));
    if (!delta) {
        c.out.error(errors::kNotFloat);
        return;
    }
    if (std::isnan(*delta) || std::isinf(*delta)) {
        c.out.error("ERR value is NaN or Infinity");
        return;
    }
    HashValue* h = hash_for_write(c, c.arg(1));
    if (!h) return;
    long double current = 0;
    if (const std::string* v = h->fields().find(c.arg(2))) {
        auto n = parse_long_double(*v);
        if (!n) {
            c.out.error("ERR hash value is not a float");
            return;
        }
        current = *n;
    }
    long double result = current + *delta;
    if (std::isnan(result) || std::isinf(result)) {
        c.out.error("ERR increment would produce NaN or Infinity");
        return;
    }
    std::string text = format_long_double(result);
    h->set(c.arg(2), text);
    c.out.bulk(text);
    notify(c, kev::kHash, "hincrbyfloat", c.arg(1));
    c.log_as({"HSET", c.arg(1), c.arg(2), text});  // the result: replays without float arithmetic
}

using FieldNode = Dict<std::string>::Node;

void reply_field(CommandContext& c, std::string_view field, const std::string& value,
                 bool with_values, bool pair_array) {
    if (pair_array) c.out.array(2);
    c.out.bulk(field);
    if (with_values) c.out.bulk(value);
}

// A negative count may repeat fields without limit, and the whole reply is built before a
// byte is sent: HRANDFIELD h -4611686018427387903 would need exabytes (real Redis gets
// OOM-killed). Refuse replies estimated above 1 GiB, from the sizes of a few sampled fields.
bool repeated_sample_too_large(const HashValue& h, std::size_t wanted, bool with_values) {
    constexpr std::size_t kMaxReplyBytes = std::size_t{1} << 30;
    constexpr int kSamples = 8;
    std::size_t sampled = 0;
    for (int i = 0; i < kSamples; ++i) {
        const FieldNode* n = h.fields().random_node(rng());
        sampled += n->key.size() + 16 + (with_values ? n->value.size() + 16 : 0);
    }
    const std::size_t per_element = std::max<std::size_t>(sampled / kSamples, 1);
    return wanted > kMaxReplyBytes / per_element;
}

// HRANDFIELD with a count: negative counts may repeat fields, positive ones never do.
void hrandfield_with_count(CommandContext& c, std::int64_t count, bool with_values) {
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!h || count == 0) {
        c.out.array(0);
        return;
    }
    const bool unique = count > 0;
    const auto wanted = static_cast<std::size_t>(unique ? count : -count);
    const bool resp3_pairs = with_values && c.out.protocol() == 3;
    auto header = [&](std::size_t n) { c.out.array(with_values && !resp3_pairs ? n * 2 : n); };
    if (!unique && repeated_sample_too_large(*h, wanted, with_values)) {
        c.out.error("ERR value is out of range");
        return;
    }
    if (!unique || wanted == 1) {
        header(wanted);
        for (std::size_t i = 0; i < wanted; ++i) {
            const FieldNode* n = h->fields().random_node(rng());
            reply_field(c, n->key, n->value, with_values, resp3_pairs);
        }
        return;
    }
    if (wanted >= h->size()) {
        // The whole hash, but shaped like any HRANDFIELD reply: RESP3 gets an array of
        // pairs here too, not HGETALL's map.
        header(h->size());
        h->fields().for_each([&](std::string_view field, const std::string& value) {
            reply_field(c, field, value, with_values, resp3_pairs);
        });
        return;
    }
    // Distinct sample: shuffle the first `wanted` slots of a list of every field.
    std::vector<const FieldNode*> nodes;
    nodes.reserve(h->size());
    for (std::uint64_t cursor = 0;;) {
        cursor = h->fields().scan(cursor, [&](std::string_view f, const std::string&) {
            nodes.push_back(h->fields().find_node(f, hash_bytes(f)));
        });
        if (cursor == 0) break;
    }
    for (std::size_t i = 0; i < wanted; ++i) {
        std::uniform_int_distribution<std::size_t> pick(i, nodes.size() - 1);
        std::swap(nodes[i], nodes[pick(rng())]);
    }
    header(wanted);
    for (std::size_t i = 0; i < wanted; ++i)
        reply_field(c, nodes[i]->key, nodes[i]->value, with_values, resp3_pairs);
}

void hrandfield_command(CommandContext& c) {
    if (c.argc() >= 3) {
        std::int64_t count = 0;
        bool with_values = false;
        if (!random_count_args_or_reply(c, "withvalues", count, with_values)) return;
        hrandfield_with_count(c, count, with_values);
        return;
    }
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!h) {
        c.out.null();
        return;
    }
    c.out.bulk(h->fields().random_node(rng())->key);
}

void hscan_command(CommandContext& c) {
    std::uint64_t cursor = 0;
    if (!scan_cursor_or_reply(c, c.arg(2), cursor)) return;
    bool replied = false;
    HashValue* h = hash_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!h) {
        reply_scan(c, 0, {});
        return;
    }
    ScanOptions o;
    if (!scan_options_or_reply(c, 3, false, o)) return;
    std::vector<std::string_view> items;
    auto collect = [&](std::string_view field, const std::string& value) {
        if (o.use_pattern && !glob_match(o.pattern, field)) return;
        items.push_back(field);
        items.push_back(value);
    };
    if (h->is_listpack()) {
        // Small hashes come back whole in one call, as Redis does for listpacks.
        h->fields().for_each(collect);
        cursor = 0;
    } else {
        std::int64_t budget = o.count * 10;
        do {
            cursor = h->fields().scan(cursor, collect);
        } while (cursor && budget-- && static_cast<std::int64_t>(items.size() / 2) < o.count);
    }
    reply_scan(c, cursor, items);
}

constexpr std::uint32_t kWriteDenyOomFast = kWrite | kDenyOom | kFast;
constexpr KeyRange kFirstKey{1, 1, 1};

const CommandSpec kHashCommands[] = {
    {"hset", -4, kWriteDenyOomFast | kKeysWriteOnly, kFirstKey, hset_command, "hash", "2.0.0",
     "Set the string value of a hash field", "O(1) for each field/value pair added"},
    {"hmset", -4, kWriteDenyOomFast | kKeysWriteOnly, kFirstKey, hset_command, "hash", "2.0.0",
     "Set multiple hash fields to multiple values", "O(N) where N is the number of fields being set."},
    {"hsetnx", 4, kWriteDenyOomFast | kKeysWriteOnly, kFirstKey, hsetnx_command, "hash", "2.0.0",
     "Set the value of a hash field, only if the field does not exist", "O(1)"},
    {"hget", 3, kReadonly | kFast, kFirstKey, hget_command, "hash", "2.0.0",
     "Get the value of a hash field", "O(1)"},
    {"hmget", -3, kReadonly | kFast, kFirstKey, hmget_command, "hash", "2.0.0",
     "Get the values of all the given hash fields", "O(N) where N is the number of fields being requested."},
    {"hdel", -3, kWrite | kFast | kKeysWriteOnly, kFirstKey, hdel_command, "hash", "2.0.0",
     "Delete one or more hash fields", "O(N) where N is the number of fields to be removed."},
    {"hlen", 2, kReadonly | kFast | kKeysBlind, kFirstKey, hlen_command, "hash", "2.0.0",
     "Get the number of fields in a hash", "O(1)"},
    {"hstrlen", 3, kReadonly | kFast | kKeysBlind, kFirstKey, hstrlen_command, "hash", "3.2.0",
     "Get the length of the value of a hash field", "O(1)"},
    {"hexists", 3, kReadonly | kFast | kKeysBlind, kFirstKey, hexists_command, "hash", "2.0.0",
     "Determine if a hash field exists", "O(1)"},
    {"hgetall", 2, kReadonly, kFirstKey, hgetall_command, "hash", "2.0.0",
     "Get all the fields and values in a hash", "O(N) where N is the size of the hash."},
    {"hkeys", 2, kReadonly, kFirstKey, hkeys_command, "hash", "2.0.0",
     "Get all the fields in a hash", "O(N) where N is the size of the hash."},
    {"hvals", 2, kReadonly, kFirstKey, hvals_command, "hash", "2.0.0",
     "Get all the values in a hash", "O(N) where N is the size of the hash."},
    {"hincrby", 4, kWriteDenyOomFast, kFirstKey, hincrby_command, "hash", "2.0.0",
     "Increment the integer value of a hash field by the given number", "O(1)"},
    {"hincrbyfloat", 4, kWriteDenyOomFast, kFirstKey, hincrbyfloat_command, "hash", "2.6.0",
     "Increment the float value of a hash field by the given amount", "O(1)"},
    {"hrandfield", -2, kReadonly, kFirstKey, hrandfield_command, "hash", "6.2.0",
     "Get one or multiple random fields from a hash",
     "O(N) where N is the number of fields returned"},
    {"hscan", -3, kReadonly, kFirstKey, hscan_command, "hash", "2.8.0",
     "Incrementally iterate hash fields and associated values",
     "O(1) for every call. O(N) for a complete iteration."},
};

}  // namespace

std::span<const CommandSpec> hash_commands() { return kHashCommands; }

}  // namespace corokv
