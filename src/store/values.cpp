#include "store/values.hpp"

namespace corokv {

std::optional<std::int64_t> parse_strict_int64(std::string_view s) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    if (s.size() == 1 && s[0] == '0') return 0;
    std::size_t i = 0;
    bool negative = false;
    if (s[0] == '-') {
        negative = true;
        i = 1;
        if (s.size() == 1) return std::nullopt;
    }
    if (s[i] < '1' || s[i] > '9') return std::nullopt;  // no leading zeros, no "-0"
    std::uint64_t v = 0;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (c < '0' || c > '9') return std::nullopt;
        if (v > (UINT64_MAX - (c - '0')) / 10) return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (negative) {
        if (v > static_cast<std::uint64_t>(INT64_MAX) + 1) return std::nullopt;
        return static_cast<std::int64_t>(0 - v);
    }
    if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v);
}

StringValue StringValue::from_bytes(std::string_view s) {
    StringValue v;
    if (auto n = parse_strict_int64(s)) {
        v.is_int_ = true;
        v.int_ = *n;
    } else {
        v.bytes_.assign(s);
    }
    return v;
}

StringValue StringValue::from_int(std::int64_t n) {
    StringValue v;
    v.is_int_ = true;
    v.int_ = n;
    return v;
}

StringValue StringValue::from_text(std::string s) {
    StringValue v;
    v.bytes_ = std::move(s);
    return v;
}

StringValue StringValue::raw_bytes(std::string s) {
    StringValue v;
    v.bytes_ = std::move(s);
    v.raw_ = true;
    return v;
}

std::size_t StringValue::size() const {
    if (!is_int_) return bytes_.size();
    char buf[24];
    return format_int64(int_, buf).size();
}

std::string& StringValue::mutable_bytes() {
    if (is_int_) {
        char buf[24];
        bytes_.assign(format_int64(int_, buf));
        is_int_ = false;
    }
    raw_ = true;
    return bytes_;
}

const char* StringValue::encoding_name() const {
    if (is_int_) return "int";
    // Redis embeds strings of up to 44 bytes in the object header ("embstr").
    return (raw_ || bytes_.size() > 44) ? "raw" : "embstr";
}

bool HashValue::set(std::string_view field, std::string_view value) {
    note_sizes(field.size(), value.size());
    auto [slot, inserted] = fields_.try_emplace(field);
    slot->assign(value);
    if (inserted && fields_.size() > kMaxListpackEntries) hashtable_ = true;
    return inserted;
}

void HashValue::note_sizes(std::size_t field_len, std::size_t value_len) {
    if (field_len > kMaxListpackValue || value_len > kMaxListpackValue) hashtable_ = true;
}

const char* type_name(ValueType t) {
    switch (t) {
        case ValueType::string: return "string";
        case ValueType::hash: return "hash";
        case ValueType::list: return "list";
        case ValueType::set: return "set";
        case ValueType::zset: return "zset";
    }
    return "none";
}

const char* encoding_name(const Value& v) {
    return std::visit([](const auto& x) { return x.encoding_name(); }, v);
}

std::size_t HashValue::allocated_bytes(std::size_t samples) const {
    return fields_.allocated_bytes(samples, [](const Dict<std::string>::Node& n) {
        return memory::block_size(&n) + memory::string_bytes(n.key) + memory::string_bytes(n.value);
    });
}

std::size_t memory_usage(const Dict<Entry>::Node& node, std::size_t samples) {
    const std::size_t value_bytes = std::visit(
        [samples](const auto& v) -> std::size_t {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, StringValue> || std::is_same_v<T, ListValue>) return v.allocated_bytes();
            else return v.allocated_bytes(samples);
        },
        node.value.value);
    return memory::block_size(&node) + memory::string_bytes(node.key) + value_bytes;
}

}  // namespace corokv
