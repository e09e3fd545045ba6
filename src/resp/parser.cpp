// Follows Redis's processMultibulkBuffer / processInlineBuffer (networking.c) and
// sdssplitargs (sds.c) closely, so the same bytes give the same commands and the same errors.
#include "resp/parser.hpp"

#include <cctype>
#include <cstring>

namespace corokv::resp {
namespace {

// Redis's string2ll, strict: optional '-', no '+', no leading zeros, no spaces.
bool parse_length(std::string_view s, std::int64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    if (s.size() == 1 && s[0] == '0') {
        out = 0;
        return true;
    }
    std::size_t i = 0;
    bool negative = false;
    if (s[0] == '-') {
        negative = true;
        if (++i == s.size()) return false;
    }
    if (s[i] < '1' || s[i] > '9') return false;
    std::uint64_t v = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        const auto digit = static_cast<std::uint64_t>(s[i] - '0');
        if (v > (UINT64_MAX - digit) / 10) return false;
        v = v * 10 + digit;
    }
    if (negative) {
        if (v > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
        out = static_cast<std::int64_t>(0 - v);
        return true;
    }
    if (v > static_cast<std::uint64_t>(INT64_MAX)) return false;
    out = static_cast<std::int64_t>(v);
    return true;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Finds the header line "<type><digits>\r\n" starting at `from`. Like Redis, it looks for the
// '\r' and then only requires one more byte to be present.
enum class LineScan { found, need_more, too_long };
LineScan find_header_end(std::string_view input, std::size_t from, std::size_t max_len,
                         std::size_t& cr) {
    const void* p = std::memchr(input.data() + from, '\r', input.size() - from);
    if (!p) return input.size() - from > max_len ? LineScan::too_long : LineScan::need_more;
    cr = static_cast<std::size_t>(static_cast<const char*>(p) - input.data());
    if (cr + 1 >= input.size()) return LineScan::need_more;  // the '\n' has not arrived yet
    return LineScan::found;
}

}  // namespace

void RequestParser::reset() {
    in_multibulk_ = false;
    multibulk_len_ = 0;
    scan_pos_ = 0;
    bulk_len_ = -1;
    arg_spans_.clear();
    needed_hint_ = 0;
}

ParseStatus RequestParser::fail(std::string message) {
    error_ = "ERR Protocol error: " + std::move(message);
    reset();
    return ParseStatus::error;
}

ParseStatus RequestParser::parse(std::string_view input, std::size_t& consumed) {
    consumed = 0;
    needed_hint_ = 0;
    args_.clear();
    for (;;) {
        std::string_view rest = input.substr(consumed);
        if (rest.empty()) return ParseStatus::need_more;
        std::size_t used = 0;
        const ParseStatus status = (in_multibulk_ || rest[0] == '*') ? parse_multibulk(rest, used)
                                                                     : parse_inline(rest, used);
        if (status != ParseStatus::command) return status;
        consumed += used;
        if (!args_.empty()) return ParseStatus::command;
        // An empty command: Redis skips it without a reply; go on with the next one.
    }
}

ParseStatus RequestParser::parse_multibulk(std::string_view input, std::size_t& consumed) {
    if (!in_multibulk_) {
        std::size_t cr = 0;
        switch (find_header_end(input, 0, limits_.max_inline_len, cr)) {
            case LineScan::too_long: return fail("too big mbulk count string");
            case LineScan::need_more: return ParseStatus::need_more;
            case LineScan::found: break;
        }
        std::int64_t count = 0;
        if (!parse_length(input.substr(1, cr - 1), count) || count > limits_.max_multibulk_len)
            return fail("invalid multibulk length");
        if (count <= 0) {  // "*0\r\n" and "*-1\r\n" are empty commands
            consumed = cr + 2;
            return ParseStatus::command;
        }
        in_multibulk_ = true;
        multibulk_len_ = count;
        scan_pos_ = cr + 2;
        bulk_len_ = -1;
        arg_spans_.clear();
    }
    while (static_cast<std::int64_t>(arg_spans_.size()) < multibulk_len_) {
        if (bulk_len_ < 0) {
            if (scan_pos_ >= input.size()) return ParseStatus::need_more;
            std::size_t cr = 0;
            switch (find_header_end(input, scan_pos_, limits_.max_inline_len, cr)) {
                case LineScan::too_long: return fail("too big bulk count string");
                case LineScan::need_more: return ParseStatus::need_more;
                case LineScan::found: break;
            }
            if (input[scan_pos_] != '$') return fail(std::string("expected '$', got '") + input[scan_pos_] + "'");
            std::int64_t len = 0;
            // Checked before anything is allocated for the argument.
            if (!parse_length(input.substr(scan_pos_ + 1, cr - scan_pos_ - 1), len) || len < 0 ||
                len > limits_.max_bulk_len)
                return fail("invalid bulk length");
            bulk_len_ = len;
            scan_pos_ = cr + 2;
        }
        const std::size_t end = scan_pos_ + static_cast<std::size_t>(bulk_len_) + 2;
        if (input.size() < end) {
            needed_hint_ = end;
            return ParseStatus::need_more;
        }
        arg_spans_.emplace_back(scan_pos_, static_cast<std::size_t>(bulk_len_));
        scan_pos_ = end;
        bulk_len_ = -1;
    }
    for (const auto& [offset, length] : arg_spans_) args_.push_back(input.substr(offset, length));
    consumed = scan_pos_;
    in_multibulk_ = false;
    arg_spans_.clear();
    return ParseStatus::command;
}

ParseStatus RequestParser::parse_inline(std::string_view input, std::size_t& consumed) {
    const void* nl = std::memchr(input.data(), '\n', input.size());
    if (!nl) {
        if (input.size() > limits_.max_inline_len) return fail("too big inline request");
        return ParseStatus::need_more;
    }
    std::size_t line_end = static_cast<std::size_t>(static_cast<const char*>(nl) - input.data());
    consumed = line_end + 1;
    if (line_end > 0 && input[line_end - 1] == '\r') --line_end;
    if (!split_inline_args(input.substr(0, line_end), inline_args_))
        return fail("unbalanced quotes in request");
    for (const std::string& a : inline_args_) args_.push_back(a);
    return ParseStatus::command;
}

bool split_inline_args(std::string_view line, std::vector<std::string>& out) {
    out.clear();
    // sdssplitargs works on a C string: an embedded NUL ends the line.
    if (auto nul = line.find('\0'); nul != std::string_view::npos) line = line.substr(0, nul);
    const std::size_t n = line.size();
    auto at = [&](std::size_t i) { return i < n ? line[i] : '\0'; };
    std::size_t p = 0;
    for (;;) {
        while (p < n && is_space(line[p])) ++p;
        if (p >= n) return true;
        std::string current;
        bool in_double = false, in_single = false, done = false;
        while (!done) {
            const char c = at(p);
            if (in_double) {
                if (c == '\\' && at(p + 1) == 'x' && hex_value(at(p + 2)) >= 0 && hex_value(at(p + 3)) >= 0) {
                    current.push_back(static_cast<char>(hex_value(at(p + 2)) * 16 + hex_value(at(p + 3))));
                    p += 3;
                } else if (c == '\\' && at(p + 1) != '\0') {
                    ++p;
                    switch (at(p)) {
                        case 'n': current.push_back('\n'); break;
                        case 'r': current.push_back('\r'); break;
                        case 't': current.push_back('\t'); break;
                        case 'b': current.push_back('\b'); break;
                        case 'a': current.push_back('\a'); break;
                        default: current.push_back(at(p)); break;
                    }
                } else if (c == '"') {
                    // A closing quote must be followed by a space or the end of the line.
                    if (at(p + 1) != '\0' && !is_space(at(p + 1))) return false;
                    done = true;
                } else if (c == '\0') {
                    return false;  // unterminated quotes
                } else {
                    current.push_back(c);
                }
            } else if (in_single) {
                if (c == '\\' && at(p + 1) == '\'') {
                    ++p;
                    current.push_back('\'');
                } else if (c == '\'') {
                    if (at(p + 1) != '\0' && !is_space(at(p + 1))) return false;
                    done = true;
                } else if (c == '\0') {
                    return false;
                } else {
                    current.push_back(c);
                }
            } else {
                switch (c) {
                    case ' ': case '\n': case '\r': case '\t': case '\0': done = true; break;
                    case '"': in_double = true; break;
                    case '\'': in_single = true; break;
                    default: current.push_back(c); break;
                }
            }
            if (at(p) != '\0') ++p;
        }
        out.push_back(std::move(current));
    }
}

}  // namespace corokv::resp
