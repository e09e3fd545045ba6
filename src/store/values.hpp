// The typed values a key can hold. The variant is open: lists, sets and sorted sets join it
// as new alternatives without touching the string and hash code.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "store/dict.hpp"
#include "store/list.hpp"
#include "store/memory.hpp"
#include "store/set.hpp"
#include "store/zset.hpp"

namespace corokv {

// Redis's string2ll: the strict form an integer-encoded string round-trips through (no
// sign '+', no leading zeros, no spaces, at most 20 chars, within int64).
std::optional<std::int64_t> parse_strict_int64(std::string_view s);

// Formats n into `buf` and returns a view of the digits.
inline std::string_view format_int64(std::int64_t n, char (&buf)[24]) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    (void)ec;
    return {buf, static_cast<std::size_t>(end - buf)};
}

// A string value. Integers are kept as int64 (Redis's "int" encoding) so INCR never parses
// or formats on the hot path; anything else is bytes. The "raw" flag only tracks what Redis
// would call the encoding (OBJECT ENCODING): values modified in place by APPEND/SETRANGE.
class StringValue {
public:
    StringValue() = default;
    static StringValue from_bytes(std::string_view s);   // int encoding when possible
    static StringValue from_int(std::int64_t n);
    static StringValue from_text(std::string s);         // never int-encoded
    static StringValue raw_bytes(std::string s);         // never int-encoded, "raw"

    bool is_int() const { return is_int_; }
    std::int64_t as_int() const { return int_; }
    // The bytes of the value; an int-encoded value is formatted into `scratch`.
    std::string_view view(char (&scratch)[24]) const {
        return is_int_ ? format_int64(int_, scratch) : std::string_view(bytes_);
    }
    std::size_t size() const;
    std::size_t allocated_bytes() const { return memory::string_bytes(bytes_); }
    // Mutable bytes, converting an int-encoded value first (APPEND, SETRANGE).
    std::string& mutable_bytes();
    const char* encoding_name() const;

private:
    std::string bytes_;
    std::int64_t int_ = 0;
    bool is_int_ = false;
    bool raw_ = false;
};

// A hash value. Redis answers "listpack" for small hashes and "hashtable" once they grew
// past hash-max-listpack-entries/-value; the switch is one-way, as in Redis.
class HashValue {
public:
    static constexpr std::size_t kMaxListpackEntries = 128;
    static constexpr std::size_t kMaxListpackValue = 64;

    Dict<std::string>& fields() { return fields_; }
    const Dict<std::string>& fields() const { return fields_; }
    std::size_t size() const { return fields_.size(); }
    // Sets a field; returns true when the field is new.
    bool set(std::string_view field, std::string_view value);
    const char* encoding_name() const { return hashtable_ ? "hashtable" : "listpack"; }
    bool is_listpack() const { return !hashtable_; }
    std::size_t allocated_bytes(std::size_t samples) const;

private:
    void note_sizes(std::size_t field_len, std::size_t value_len);
    Dict<std::string> fields_;
    bool hashtable_ = false;
};

// The order of ValueType follows the variant's alternatives.
enum class ValueType : std::uint8_t { string = 0, hash = 1, list = 2, set = 3, zset = 4 };

using Value = std::variant<StringValue, HashValue, ListValue, SetValue, ZSetValue>;

inline ValueType type_of(const Value& v) { return static_cast<ValueType>(v.index()); }
const char* type_name(ValueType t);     // "string", "hash", ... as TYPE answers
const char* encoding_name(const Value& v);

// One key's slot in a shard.
struct Entry {
    Value value;
    std::int64_t expire_at_ms = 0;   // absolute deadline, 0 = persistent
    std::uint32_t access_ticks = 0;  // last access, 10 ms ticks (LRU eviction, OBJECT IDLETIME)
    std::uint16_t lfu_minutes = 0;   // when lfu_counter last decayed (minutes, wrapping)
    std::uint8_t lfu_counter = 5;    // logarithmic access count (LFU eviction, OBJECT FREQ)
};

// Redis's keyIsExpired: a key is still alive during the millisecond of its deadline.
inline bool deadline_passed(std::int64_t deadline_ms, std::int64_t now_ms) {
    return deadline_ms != 0 && now_ms > deadline_ms;
}
// MEMORY USAGE: the bytes a key costs (its table node, key and value), large containers
// sampled up to `samples` elements (0 = all).
std::size_t memory_usage(const Dict<Entry>::Node& node, std::size_t samples);

inline bool is_expired(const Entry& e, std::int64_t now_ms) { return deadline_passed(e.expire_at_ms, now_ms); }

}  // namespace corokv
