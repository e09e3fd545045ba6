// String commands (Redis's t_string.c): GET/SET and friends, counters, ranges.
#include <cmath>

#include "commands/command_table.hpp"
#include "commands/keyspace_events.hpp"
#include "commands/numbers.hpp"
#include "commands/server_state.hpp"

namespace corokv {
namespace {

// Options shared by SET and GETEX, parsed as Redis's parseExtendedStringArgumentsOrReply.
struct StringOptions {
    enum : unsigned { NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64,
                      EXAT = 128, PXAT = 256 };
    unsigned flags = 0;
    std::string_view expire_arg;   // the number after EX/PX/EXAT/PXAT
    bool has(unsigned f) const { return (flags & f) != 0; }
    bool any_expire() const { return (flags & (EX | PX | EXAT | PXAT)) != 0; }
};

enum class StringCommand { set, getex };

constexpr unsigned kAnyExpire =
    StringOptions::EX | StringOptions::PX | StringOptions::EXAT | StringOptions::PXAT;

// The flag for EX/PX/EXAT/PXAT (any case), or 0. Each excludes the other three.
unsigned expire_option(std::string_view opt) {
    static constexpr std::pair<std::string_view, unsigned> kUnits[] = {
        {"ex", StringOptions::EX}, {"px", StringOptions::PX},
        {"exat", StringOptions::EXAT}, {"pxat", StringOptions::PXAT}};
    for (const auto& [name, flag] : kUnits)
        if (option_is(opt, name)) return flag;
    return 0;
}

bool parse_string_options(CommandContext& c, std::size_t from, StringCommand kind,
                          StringOptions& o) {
    using O = StringOptions;
    const bool is_set = kind == StringCommand::set;
    for (std::size_t j = from; j < c.argc(); ++j) {
        std::string_view opt = c.arg(j);
        const bool has_next = j + 1 < c.argc();
        // Each option is refused when it contradicts one already given, exactly as Redis
        // checks them (repeating EX is allowed: the last one wins).
        if (option_is(opt, "nx") && !o.has(O::XX) && is_set) {
            o.flags |= O::NX;
        } else if (option_is(opt, "xx") && !o.has(O::NX) && is_set) {
            o.flags |= O::XX;
        } else if (option_is(opt, "get") && is_set) {
            o.flags |= O::GET;
        } else if (option_is(opt, "keepttl") && !o.has(O::PERSIST) && !o.any_expire() && is_set) {
            o.flags |= O::KEEPTTL;
        } else if (option_is(opt, "persist") && !is_set && !o.any_expire() && !o.has(O::KEEPTTL)) {
            o.flags |= O::PERSIST;
        } else if (const unsigned unit = expire_option(opt);
                   unit && !o.has(O::KEEPTTL | O::PERSIST | (kAnyExpire & ~unit)) && has_next) {
            o.flags |= unit;
            o.expire_arg = c.arg(++j);
        } else {
            c.out.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

// Turns the EX/PX/EXAT/PXAT argument into an absolute deadline in ms, or replies an error.
bool expire_deadline_or_reply(CommandContext& c, const StringOptions& o, std::int64_t& when_ms) {
    std::int64_t v = 0;
    if (!int_arg_or_reply(c, o.expire_arg, v)) return false;
    const bool seconds = o.has(StringOptions::EX | StringOptions::EXAT);
    if (v <= 0 || (seconds && v > INT64_MAX / 1000)) {
        reply_invalid_expire(c);
        return false;
    }
    if (seconds) v *= 1000;
    if (o.has(StringOptions::EX | StringOptions::PX) && __builtin_add_overflow(v, c.now_ms, &v)) v = -1;
    if (v <= 0) {
        reply_invalid_expire(c);
        return false;
    }
    when_ms = v;
    return true;
}

// GET's reply for an entry: nil, WRONGTYPE (returns false) or the bulk value.
bool reply_string_value(CommandContext& c, Entry* e) {
    if (!e) {
        c.out.null();
        return true;
    }
    const auto* s = typed_or_reply<StringValue>(c, e);
    if (!s) return false;
    char scratch[24];
    c.out.bulk(s->view(scratch));
    return true;
}

bool string_length_ok_or_reply(CommandContext& c, std::int64_t size, std::int64_t append) {
    std::int64_t total = 0;
    if (__builtin_add_overflow(size, append, &total) ||
        total > c.server.config.proto_max_bulk_len.load(std::memory_order_relaxed)) {
        c.out.error(errors::kStringTooLong);
        return false;
    }
    return true;
}

// The shared body of SET, SETEX, PSETEX: value at `value_index`, options parsed already.
void set_generic(CommandContext& c, std::string_view key, std::string_view value,
                 const StringOptions& o) {
    std::int64_t when_ms = 0;
    if (o.any_expire() && !expire_deadline_or_reply(c, o, when_ms)) return;
    // Plain SET (the hot path) needs no separate existence check: one lookup does it all.
    if (o.has(StringOptions::NX | StringOptions::XX | StringOptions::GET)) {
        // With GET this is a read (counted in keyspace hits/misses), as in Redis.
        Entry* existing = o.has(StringOptions::GET) ? c.find_read(key) : c.find(key);
        if (o.has(StringOptions::GET) && !reply_string_value(c, existing)) return;
        if ((o.has(StringOptions::NX) && existing) || (o.has(StringOptions::XX) && !existing)) {
            if (!o.has(StringOptions::GET)) c.out.null();
            c.log_nothing();
            return;
        }
    }
    auto [e, created] = c.find_or_create(key);
    e->value = StringValue::from_bytes(value);
    if (when_ms != 0) {
        c.set_expire(key, *e, when_ms);
        // Logged with the absolute deadline, so replaying it later never extends the TTL.
        char buf[24];
        c.log_as({"SET", key, value, "PXAT", format_int64(when_ms, buf)});
    } else if (!created && !o.has(StringOptions::KEEPTTL) && e->expire_at_ms != 0) {
        c.set_expire(key, *e, 0);
    }
    notify(c, kev::kString, "set", key);
    if (when_ms != 0) notify(c, kev::kGeneric, "expire", key);
    if (!o.has(StringOptions::GET)) c.out.ok();
}

void get_command(CommandContext& c) { reply_string_value(c, c.find_read(c.arg(1))); }

void set_command(CommandContext& c) {
    StringOptions o;
    if (!parse_string_options(c, 3, StringCommand::set, o)) return;
    set_generic(c, c.arg(1), c.arg(2), o);
}

void setnx_command(CommandContext& c) {
    if (c.find(c.arg(1))) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    c.overwrite(c.arg(1), StringValue::from_bytes(c.arg(2)));
    notify(c, kev::kString, "set", c.arg(1));
    c.out.integer(1);
}

void setex_generic(CommandContext& c, unsigned unit_flag) {
    StringOptions o;
    o.flags = unit_flag;
    o.expire_arg = c.arg(2);
    set_generic(c, c.arg(1), c.arg(3), o);
}
void setex_command(CommandContext& c) { setex_generic(c, StringOptions::EX); }
void psetex_command(CommandContext& c) { setex_generic(c, StringOptions::PX); }

void getset_command(CommandContext& c) {
    if (!reply_string_value(c, c.find_read(c.arg(1)))) return;
    c.overwrite(c.arg(1), StringValue::from_bytes(c.arg(2)));
    notify(c, kev::kString, "set", c.arg(1));
}

void getdel_command(CommandContext& c) {
    Entry* e = c.find_read(c.arg(1));
    if (!reply_string_value(c, e)) return;
    if (!e) {
        c.log_nothing();
        return;
    }
    c.erase(c.arg(1));
    notify(c, kev::kGeneric, "del", c.arg(1));
}

void getex_command(CommandContext& c) {
    StringOptions o;
    if (!parse_string_options(c, 2, StringCommand::getex, o)) return;
    Entry* e = c.find_read(c.arg(1));
    if (!e) {
        c.out.null();
        c.log_nothing();
        return;
    }
    if (!typed_or_reply<StringValue>(c, e)) return;
    std::int64_t when_ms = 0;
    if (o.any_expire() && !expire_deadline_or_reply(c, o, when_ms)) return;
    reply_string_value(c, e);
    // Logged as its effect (Redis too): DEL, PEXPIREAT with the absolute time, or PERSIST.
    if (o.has(StringOptions::EXAT | StringOptions::PXAT) && when_ms <= c.expiry_clock_ms) {
        c.erase(c.arg(1));
        c.log_as({"DEL", c.arg(1)});
        notify(c, kev::kGeneric, "del", c.arg(1));
    } else if (o.any_expire()) {
        c.set_expire(c.arg(1), *e, when_ms);
        char buf[24];
        c.log_as({"PEXPIREAT", c.arg(1), format_int64(when_ms, buf)});
        notify(c, kev::kGeneric, "expire", c.arg(1));
    } else if (o.has(StringOptions::PERSIST) && e->expire_at_ms != 0) {
        c.set_expire(c.arg(1), *e, 0);
        c.log_as({"PERSIST", c.arg(1)});
        notify(c, kev::kGeneric, "persist", c.arg(1));
    } else {
        c.log_nothing();
    }
}

void mget_command(CommandContext& c) {
    c.out.array(c.argc() - 1);
    for (std::size_t i = 1; i < c.argc(); ++i) {
        Entry* e = c.find_read(c.arg(i));
        const StringValue* s = e ? std::get_if<StringValue>(&e->value) : nullptr;
        if (!s) {
            c.out.null();
            continue;
        }
        char scratch[24];
        c.out.bulk(s->view(scratch));
    }
}

void mset_pairs(CommandContext& c) {
    for (std::size_t i = 1; i + 1 < c.argc(); i += 2) {
        c.overwrite(c.arg(i), StringValue::from_bytes(c.arg(i + 1)));
        notify(c, kev::kString, "set", c.arg(i));
    }
}

void mset_command(CommandContext& c) {
    if (c.argc() % 2 == 0) {
        reply_wrong_arity(c.out, c.spec->name);
        return;
    }
    mset_pairs(c);
    c.out.ok();
}

void msetnx_command(CommandContext& c) {
    if (c.argc() % 2 == 0) {
        reply_wrong_arity(c.out, c.spec->name);
        return;
    }
    for (std::size_t i = 1; i < c.argc(); i += 2) {
        if (c.find(c.arg(i))) {
            c.out.integer(0);
            c.log_nothing();
            return;
        }
    }
    mset_pairs(c);
    c.out.integer(1);
}

// INCR/DECR/INCRBY/DECRBY: the TTL survives, as the value is changed in place.
void incr_by(CommandContext& c, std::int64_t delta) {
    auto [e, created] = c.find_or_create(c.arg(1));
    if (created) e->value = StringValue::from_int(0);
    auto* s = typed_or_reply<StringValue>(c, e);
    if (!s) return;
    auto current = string_as_int(*s);
    if (!current) {
        if (created) c.erase(c.arg(1));
        c.out.error(errors::kNotInteger);
        return;
    }
    std::int64_t result = 0;
    if (__builtin_add_overflow(*current, delta, &result)) {
        if (created) c.erase(c.arg(1));
        c.out.error(errors::kOverflow);
        return;
    }
    *s = StringValue::from_int(result);
    notify(c, kev::kString, "incrby", c.arg(1));
    c.out.integer(result);
}

void incr_command(CommandContext& c) { incr_by(c, 1); }
void decr_command(CommandContext& c) { incr_by(c, -1); }

void incrby_command(CommandContext& c) {
    std::int64_t delta = 0;
    if (!int_arg_or_reply(c, c.arg(2), delta)) return;
    incr_by(c, delta);
}

void decrby_command(CommandContext& c) {
    std::int64_t delta = 0;
    if (!int_arg_or_reply(c, c.arg(2), delta)) return;
    if (delta == INT64_MIN) {
        c.out.error("ERR decrement would overflow");
        return;
    }
    incr_by(c, -delta);
}

void incrbyfloat_command(CommandContext& c) {
    Entry* e = c.find(c.arg(1));
    long double current = 0;
    if (e) {
        auto* s = typed_or_reply<StringValue>(c, e);
        if (!s) return;
        auto v = string_as_long_double(*s);
        if (!v) {
            c.out.error(errors::kNotFloat);
            return;
        }
        current = *v;
    }
    auto delta = parse_long_double(c.arg(2));
    if (!delta) {
        c.out.error(errors::kNotFloat);
        return;
    }
    long double result = current + *delta;
    if (std::isnan(result) || std::isinf(result)) {
        c.out.error("ERR increment would produce NaN or Infinity");
        return;
    }
    std::string text = format_long_double(result);
    // Redis stores the result as text (never int-encoded) and keeps the TTL.
    Entry* target = e ? e : c.find_or_create(c.arg(1)).first;
    target->value = StringValue::from_text(text);
    notify(c, kev::kString, "incrbyfloat", c.arg(1));
    c.out.bulk(text);
    // The result, not the increment: float formatting must not differ on replay.
    c.log_as({"SET", c.arg(1), text, "KEEPTTL"});
}

void append_command(CommandContext& c) {
    std::string_view key = c.arg(1), suffix = c.arg(2);
    Entry* e = c.find(key);
    if (!e) {
        c.find_or_create(key).first->value = StringValue::from_bytes(suffix);
        notify(c, kev::kString, "append", key);
        c.out.integer(static_cast<std::int64_t>(suffix.size()));
        return;
    }
    auto* s = typed_or_reply<StringValue>(c, e);
    if (!s) return;
    if (!string_length_ok_or_reply(c, static_cast<std::int64_t>(s->size()),
                                   static_cast<std::int64_t>(suffix.size())))
        return;
    std::string& bytes = s->mutable_bytes();
    bytes.append(suffix);
    notify(c, kev::kString, "append", key);
    c.out.integer(static_cast<std::int64_t>(bytes.size()));
}

void strlen_command(CommandContext& c) {
    Entry* e = c.find_read(c.arg(1));
    if (!e) {
        c.out.integer(0);
        return;
    }
    if (auto* s = typed_or_reply<StringValue>(c, e)) c.out.integer(static_cast<std::int64_t>(s->size()));
}

void getrange_command(CommandContext& c) {
    std::int64_t start = 0, end = 0;
    if (!int_arg_or_reply(c, c.arg(2), start) || !int_arg_or_reply(c, c.arg(3), end)) return;
    Entry* e = c.find_read(c.arg(1));
    if (!e) {
        c.out.bulk("");
        return;
    }
    auto* s = typed_or_reply<StringValue>(c, e);
    if (!s) return;
    char scratch[24];
    std::string_view str = s->view(scratch);
    const auto len = static_cast<std::int64_t>(str.size());
    if (start < 0 && end < 0 && start > end) {
        c.out.bulk("");
        return;
    }
    if (start < 0) start += len;
    if (end < 0) end += len;
    start = std::max<std::int64_t>(start, 0);
    end = std::max<std::int64_t>(end, 0);
    if (end >= len) end = len - 1;
    if (start > end || len == 0) {
        c.out.bulk("");
        return;
    }
    c.out.bulk(str.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start + 1)));
}

void setrange_command(CommandContext& c) {
    std::int64_t offset = 0;
    if (!int_arg_or_reply(c, c.arg(2), offset)) return;
    if (offset < 0) {
        c.out.error("ERR offset is out of range");
        return;
    }
    std::string_view key = c.arg(1), value = c.arg(3);
    Entry* e = c.find(key);
    StringValue* s = nullptr;
    if (!e) {
        if (value.empty()) {
            c.out.integer(0);
            return;
        }
        if (!string_length_ok_or_reply(c, offset, static_cast<std::int64_t>(value.size()))) return;
        e = c.find_or_create(key).first;
        e->value = StringValue::raw_bytes(std::string());
        s = &std::get<StringValue>(e->value);
    } else {
        s = typed_or_reply<StringValue>(c, e);
        if (!s) return;
        if (value.empty()) {
            c.out.integer(static_cast<std::int64_t>(s->size()));
            return;
        }
        if (!string_length_ok_or_reply(c, offset, static_cast<std::int64_t>(value.size()))) return;
    }
    std::string& bytes = s->mutable_bytes();
    const auto needed = static_cast<std::size_t>(offset) + value.size();
    if (bytes.size() < needed) bytes.resize(needed, '\0');
    bytes.replace(static_cast<std::size_t>(offset), value.size(), value);
    notify(c, kev::kString, "setrange", key);
    c.out.integer(static_cast<std::int64_t>(bytes.size()));
}

constexpr std::uint32_t kWriteDenyOom = kWrite | kDenyOom;

const CommandSpec kStringCommands[] = {
    {"get", 2, kReadonly | kFast, {1, 1, 1}, get_command, "string", "1.0.0",
     "Get the value of a key", "O(1)"},
    {"set", -3, kWriteDenyOom | kKeysWriteOnly | kReadsWithGet, {1, 1, 1}, set_command, "string", "1.0.0",
     "Set the string value of a key", "O(1)"},
    {"setnx", 3, kWriteDenyOom | kFast | kKeysWriteOnly, {1, 1, 1}, setnx_command, "string", "1.0.0",
     "Set the value of a key, only if the key does not exist", "O(1)"},
    {"setex", 4, kWriteDenyOom | kKeysWriteOnly, {1, 1, 1}, setex_command, "string", "2.0.0",
     "Set the value and expiration of a key", "O(1)"},
    {"psetex", 4, kWriteDenyOom | kKeysWriteOnly, {1, 1, 1}, psetex_command, "string", "2.6.0",
     "Set the value and expiration in milliseconds of a key", "O(1)"},
    {"getset", 3, kWriteDenyOom | kFast, {1, 1, 1}, getset_command, "string", "1.0.0",
     "Set the string value of a key and return its old value", "O(1)"},
    {"getdel", 2, kWrite | kFast, {1, 1, 1}, getdel_command, "string", "6.2.0",
     "Get the value of a key and delete the key", "O(1)"},
    {"getex", -2, kWrite | kFast, {1, 1, 1}, getex_command, "string", "6.2.0",
     "Get the value of a key and optionally set its expiration", "O(1)"},
    {"mget", -2, kReadonly | kFast, {1, -1, 1}, mget_command, "string", "1.0.0",
     "Get the values of all the given keys", "O(N) where N is the number of keys to retrieve."},
    {"mset", -3, kWriteDenyOom | kKeysWriteOnly, {1, -1, 2}, mset_command, "string", "1.0.1",
     "Set multiple keys to multiple values", "O(N) where N is the number of keys to set."},
    {"msetnx", -3, kWriteDenyOom | kKeysWriteOnly, {1, -1, 2}, msetnx_command, "string", "1.0.1",
     "Set multiple keys to multiple values, only if none of the keys exist",
     "O(N) where N is the number of keys to set."},
    {"incr", 2, kWriteDenyOom | kFast, {1, 1, 1}, incr_command, "string", "1.0.0",
     "Increment the integer value of a key by one", "O(1)"},
    {"decr", 2, kWriteDenyOom | kFast, {1, 1, 1}, decr_command, "string", "1.0.0",
     "Decrement the integer value of a key by one", "O(1)"},
    {"incrby", 3, kWriteDenyOom | kFast, {1, 1, 1}, incrby_command, "string", "1.0.0",
     "Increment the integer value of a key by the given amount", "O(1)"},
    {"decrby", 3, kWriteDenyOom | kFast, {1, 1, 1}, decrby_command, "string", "1.0.0",
     "Decrement the integer value of a key by the given number", "O(1)"},
    {"incrbyfloat", 3, kWriteDenyOom | kFast, {1, 1, 1}, incrbyfloat_command, "string", "2.6.0",
     "Increment the float value of a key by the given amount", "O(1)"},
    {"append", 3, kWriteDenyOom | kFast | kKeysWriteOnly, {1, 1, 1}, append_command, "string", "2.0.0",
     "Append a value to a key", "O(1)"},
    {"strlen", 2, kReadonly | kFast | kKeysBlind, {1, 1, 1}, strlen_command, "string", "2.2.0",
     "Get the length of the value stored in a key", "O(1)"},
    {"getrange", 4, kReadonly, {1, 1, 1}, getrange_command, "string", "2.4.0",
     "Get a substring of the string stored at a key", "O(N) where N is the length of the returned string."},
    {"substr", 4, kReadonly, {1, 1, 1}, getrange_command, "string", "1.0.0",
     "Get a substring of the string stored at a key", "O(N) where N is the length of the returned string."},
    {"setrange", 4, kWriteDenyOom | kKeysWriteOnly, {1, 1, 1}, setrange_command, "string", "2.2.0",
     "Overwrite part of a string at key starting at the specified offset", "O(1)"},
};

}  // namespace

std::span<const CommandSpec> string_commands() { return kStringCommands; }

}  // namespace corokv
