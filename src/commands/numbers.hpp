// Argument parsing and number formatting exactly as Redis does them, shared by families.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/command.hpp"

namespace corokv {

// Redis's string2ll (strict): what "is an integer" means for arguments and stored values.
std::optional<std::int64_t> parse_int(std::string_view s);
// Redis's string2ld: strtold, no leading space, no trailing bytes, no NaN.
std::optional<long double> parse_long_double(std::string_view s);

// Parses an integer argument or replies "value is not an integer or out of range".
bool int_arg_or_reply(CommandContext& c, std::string_view s, std::int64_t& out);

// Redis's getIntFromObjectOrReply: an integer that must fit in 32 bits, with Redis's two
// different errors (not an integer / out of int range).
bool int32_arg_or_reply(CommandContext& c, std::string_view s, int& out);

// INCRBYFLOAT's output: "%.17Lf" with trailing zeros (and a bare '.') removed.
std::string format_long_double(long double v);

// The value of a string entry as an integer/long double, or nullopt if it is not one.
std::optional<std::int64_t> string_as_int(const StringValue& s);
std::optional<long double> string_as_long_double(const StringValue& s);

// Replies WRONGTYPE and returns nullptr unless the entry holds a T.
template <class T>
T* typed_or_reply(CommandContext& c, Entry* e) {
    if (!e) return nullptr;
    if (auto* v = std::get_if<T>(&e->value)) return v;
    c.out.error(errors::kWrongType);
    return nullptr;
}

// The T held by a looked-up entry: nullptr when the key is missing (replied = false) or holds
// another type (replied = true, WRONGTYPE sent). Every family's "X at key" helper uses it.
template <class T>
T* existing_or_reply(CommandContext& c, Entry* e, bool& replied) {
    replied = false;
    if (!e) return nullptr;
    T* v = typed_or_reply<T>(c, e);
    replied = v == nullptr;
    return v;
}

// HRANDFIELD / ZRANDMEMBER's `key count [WITHVALUES|WITHSCORES]` (argc >= 3), checked in
// Redis's order with its error texts; `with_option` names the flag.
bool random_count_args_or_reply(CommandContext& c, std::string_view with_option, std::int64_t& count,
                                bool& with);

// True if the option argument equals `name`, ignoring ASCII case.
bool option_is(std::string_view arg, std::string_view name);

// "ERR invalid expire time in 'set' command" (with the running command's name).
void reply_invalid_expire(CommandContext& c);

}  // namespace corokv
