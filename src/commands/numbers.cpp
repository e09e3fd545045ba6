#include "commands/numbers.hpp"

#include <cerrno>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace corokv {

std::optional<std::int64_t> parse_int(std::string_view s) { return parse_strict_int64(s); }

std::optional<long double> parse_long_double(std::string_view s) {
    constexpr std::size_t kMaxChars = 5 * 1024;  // Redis's MAX_LONG_DOUBLE_CHARS
    if (s.empty() || s.size() >= kMaxChars) return std::nullopt;
    char buf[kMaxChars];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    errno = 0;
    char* end = nullptr;
    long double v = std::strtold(buf, &end);
    // The whole argument must be the number: a NUL byte inside it is not an end marker.
    if (std::isspace(static_cast<unsigned char>(buf[0])) || *end != '\0' ||
        static_cast<std::size_t>(end - buf) != s.size() || errno == EINVAL || std::isnan(v))
        return std::nullopt;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO))
        return std::nullopt;
    return v;
}

bool int_arg_or_reply(CommandContext& c, std::string_view s, std::int64_t& out) {
    auto v = parse_int(s);
    if (!v) {
        c.out.error(errors::kNotInteger);
        return false;
    }
    out = *v;
    return true;
}

bool int32_arg_or_reply(CommandContext& c, std::string_view s, int& out) {
    std::int64_t v = 0;
    if (!int_arg_or_reply(c, s, v)) return false;
    if (v < INT32_MIN || v > INT32_MAX) {
        c.out.error("ERR value is out of range, value must between -2147483648 and 2147483647");
        return false;
    }
    out = static_cast<int>(v);
    return true;
}

std::string format_long_double(long double v) {
    char buf[5 * 1024 + 32];
    int len = std::snprintf(buf, sizeof buf, "%.17Lf", v);
    if (len <= 0 || static_cast<std::size_t>(len) >= sizeof buf) return "0";
    if (std::memchr(buf, '.', static_cast<std::size_t>(len))) {
        while (buf[len - 1] == '0') --len;
        if (buf[len - 1] == '.') --len;
    }
    if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
    return std::string(buf, static_cast<std::size_t>(len));
}

std::optional<std::int64_t> string_as_int(const StringValue& s) {
    if (s.is_int()) return s.as_int();
    char scratch[24];
    return parse_int(s.view(scratch));
}

std::optional<long double> string_as_long_double(const StringValue& s) {
    if (s.is_int()) return static_cast<long double>(s.as_int());
    char scratch[24];
    return parse_long_double(s.view(scratch));
}

bool option_is(std::string_view arg, std::string_view name) {
    if (arg.size() != name.size()) return false;
    for (std::size_t i = 0; i < arg.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(arg[i])) !=
            std::tolower(static_cast<unsigned char>(name[i])))
            return false;
    return true;
}

void reply_invalid_expire(CommandContext& c) {
    std::string msg = "ERR invalid expire time in '";
    msg += c.spec->name;
    msg += "' command";
    c.out.error(msg);
}

bool random_count_args_or_reply(CommandContext& c, std::string_view with_option, std::int64_t& count,
                                bool& with) {
    if (!int_arg_or_reply(c, c.arg(2), count)) return false;
    if (count < -INT64_MAX) {
        c.out.error("ERR value is out of range, value must between -9223372036854775807 and "
                    "9223372036854775807");
        return false;
    }
    with = c.argc() == 4 && option_is(c.arg(3), with_option);
    if (c.argc() > 4 || (c.argc() == 4 && !with)) {
        c.out.error(errors::kSyntax);
        return false;
    }
    // Pairs double the reply: Redis refuses counts whose doubling would overflow.
    if (with && (count < -INT64_MAX / 2 || count > INT64_MAX / 2)) {
        c.out.error("ERR value is out of range");
        return false;
    }
    return true;
}

}  // namespace corokv
