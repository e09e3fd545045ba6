// Follows Redis 7.0's processMultibulkBuffer / processInlineBuffer (networking.c) and
// sdssplitargs (sds.c) closely, so the same bytes give the same commands and the same errors,
// including the odd corners (checked against a real redis-server):
//  - Redis looks for line ends with strchr() on its NUL-terminated query buffer, so a NUL
//    byte before the '\r' / '\n' hides it: the line counts as unfinished until it is too long.
//  - A header line only needs one byte after its '\r', and a bulk two bytes after its data;
//    those bytes are skipped without checking that they are "\n" / "\r\n".
#include "resp/parser.hpp"

namespace corokv::resp {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// Position of the first `c` at or after `from`, as strchr() would see it: npos if there is
// none, or if a NUL byte comes first. One plain pass looking for both: the lines searched are
// short (headers, inline commands).
std::size_t find_in_c_string(std::string_view input, std::size_t from, char c) {
    for (std::size_t i = from; i < input.size(); ++i) {
        if (input[i] == c) return i;
        if (input[i] == '\0') return npos;
    }
    return npos;
}

// Redis's string2ll, strict: optional '-', no '+', no leading zeros, no spaces, at most 20
// characters. "-0" is rejected like any other leading zero.
bool parse_length(std::string_view s, std::int64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    if (s == "0") {
        out = 0;
        return true;
    }
    const bool negative = s.front() == '-';
    if (negative) s.remove_prefix(1);
    if (s.empty() || s.front() < '1' || s.front() > '9') return false;
    std::uint64_t value = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return false;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) return false;
        value = value * 10 + digit;
    }
    constexpr auto int64_max = static_cast<std::uint64_t>(INT64_MAX);
    if (value > int64_max + (negative ? 1 : 0)) return false;
    out = negative ? static_cast<std::int64_t>(0 - value) : static_cast<std::int64_t>(value);
    return true;
}

// Redis formats this error with "%c" and then turns newlines into spaces so that the reply
// stays one line: "*1\r\n\r\n" gets "expected '$', got ' '".
std::string unexpected_type_message(char found) {
    if (found == '\r' || found == '\n') found = ' ';
    std::string message = "expected '$', got '";
    message.push_back(found);
    message.push_back('\'');
    return message;
}

// --- sdssplitargs ------------------------------------------------------------------------

// isspace() in the C locale (Redis never sets LC_CTYPE), whatever locale this process uses.
bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Blanks before an argument are skipped with isspace(), but an unquoted argument ends only
// at one of these: "a\vb" is one argument.
bool ends_unquoted_argument(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char unescape(char c) {
    switch (c) {
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'b': return '\b';
        case 'a': return '\a';
        default: return c;  // \\ \" and any unknown escape stand for the character itself
    }
}

// Walks a line the way sdssplitargs walks its C string: reading past the end gives '\0'.
class LineCursor {
public:
    explicit LineCursor(std::string_view line) : line_(line) {}
    char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < line_.size() ? line_[pos_ + ahead] : '\0';
    }
    void advance(std::size_t n = 1) { pos_ += n; }

private:
    std::string_view line_;
    std::size_t pos_ = 0;
};

// A closing quote must be followed by a blank or the end of the line: `"a"b` is an error.
bool quote_closes_argument(const LineCursor& cursor) {
    return cursor.peek() == '\0' || is_c_space(cursor.peek());
}

// Reads up to and including the closing '"'; false on a missing or misplaced closing quote.
bool read_double_quoted(LineCursor& cursor, std::string& arg) {
    for (;;) {
        const char c = cursor.peek();
        if (c == '\0') return false;
        if (c == '\\' && cursor.peek(1) == 'x' && hex_value(cursor.peek(2)) >= 0 &&
            hex_value(cursor.peek(3)) >= 0) {
            arg.push_back(static_cast<char>(hex_value(cursor.peek(2)) * 16 + hex_value(cursor.peek(3))));
            cursor.advance(4);
        } else if (c == '\\' && cursor.peek(1) != '\0') {
            arg.push_back(unescape(cursor.peek(1)));
            cursor.advance(2);
        } else if (c == '"') {
            cursor.advance();
            return quote_closes_argument(cursor);
        } else {
            arg.push_back(c);
            cursor.advance();
        }
    }
}

// Single quotes know one escape only: \' (so '\n' is a backslash and an n).
bool read_single_quoted(LineCursor& cursor, std::string& arg) {
    for (;;) {
        const char c = cursor.peek();
        if (c == '\0') return false;
        if (c == '\\' && cursor.peek(1) == '\'') {
            arg.push_back('\'');
            cursor.advance(2);
        } else if (c == '\'') {
            cursor.advance();
            return quote_closes_argument(cursor);
        } else {
            arg.push_back(c);
            cursor.advance();
        }
    }
}

// One argument; a quote may start after unquoted characters (`a"b c"` is "ab c") and then
// ends the argument.
bool read_argument(LineCursor& cursor, std::string& arg) {
    for (;;) {
        const char c = cursor.peek();
        if (c == '\0' || ends_unquoted_argument(c)) return true;
        cursor.advance();
        if (c == '"') return read_double_quoted(cursor, arg);
        if (c == '\'') return read_single_quoted(cursor, arg);
        arg.push_back(c);
    }
}

// Splits `line` (which must not contain NUL) into args[0, count). Strings already in `args`
// are reused, so a connection sending inline commands stops allocating once warmed up.
bool split_reusing(std::string_view line, std::vector<std::string>& args, std::size_t& count) {
    count = 0;
    LineCursor cursor(line);
    for (;;) {
        while (is_c_space(cursor.peek())) cursor.advance();
        if (cursor.peek() == '\0') return true;
        if (count == args.size()) args.emplace_back();
        std::string& arg = args[count++];
        arg.clear();
        if (!read_argument(cursor, arg)) return false;
    }
}

}  // namespace

bool split_inline_args(std::string_view line, std::vector<std::string>& out) {
    // sdssplitargs works on a C string: an embedded NUL ends the line.
    line = line.substr(0, line.find('\0'));
    std::size_t count = 0;
    const bool balanced = split_reusing(line, out, count);
    out.resize(balanced ? count : 0);
    return balanced;
}

// --- RequestParser -------------------------------------------------------------------------

void RequestParser::reset() {
    in_multibulk_ = false;
    multibulk_len_ = 0;
    scan_pos_ = 0;
    bulk_len_ = -1;
    arg_spans_.clear();
    needed_hint_ = 0;
}

ParseStatus RequestParser::fail(std::string_view message) {
    error_.assign("ERR Protocol error: ");
    error_.append(message);
    reset();
    return ParseStatus::error;
}

ParseStatus RequestParser::parse(std::string_view input, std::size_t& consumed) {
    consumed = 0;
    needed_hint_ = 0;
    args_.clear();
    while (consumed < input.size()) {
        const std::string_view rest = input.substr(consumed);
        std::size_t used = 0;
        // Like Redis, the first byte of a command decides its kind, and a multibulk command
        // stays one until it is complete.
        const ParseStatus status = (in_multibulk_ || rest.front() == '*') ? parse_multibulk(rest, used)
                                                                         : parse_inline(rest, used);
        if (status == ParseStatus::need_more && needed_hint_ != 0) needed_hint_ += consumed;
        if (status != ParseStatus::command) return status;
        consumed += used;
        if (!args_.empty()) return ParseStatus::command;
        // An empty command: Redis skips it without a reply; go on with the next one.
    }
    return ParseStatus::need_more;
}

ParseStatus RequestParser::parse_multibulk(std::string_view input, std::size_t& consumed) {
    if (!in_multibulk_) {
        std::size_t cr = 0;
        const Step header = find_header_line(input, 0, "too big mbulk count string", cr);
        if (header != Step::advanced) return stop_status(header);
        std::int64_t count = 0;
        if (!parse_length(input.substr(1, cr - 1), count) || count > limits_.max_multibulk_len)
            return fail("invalid multibulk length");
        if (count <= 0) {  // "*0\r\n" and "*-1\r\n": an empty command, no arguments
            consumed = cr + 2;
            return ParseStatus::command;
        }
        in_multibulk_ = true;
        multibulk_len_ = count;
        scan_pos_ = cr + 2;
        bulk_len_ = -1;
        arg_spans_.clear();  // no reserve(count): the count is the client's claim, not data
    }
    while (static_cast<std::int64_t>(arg_spans_.size()) < multibulk_len_) {
        Step step = Step::advanced;
        if (bulk_len_ < 0) step = read_bulk_header(input);
        if (step == Step::advanced) step = read_bulk_body(input);
        if (step != Step::advanced) return stop_status(step);
    }
    return finish_multibulk(input, consumed);
}

ParseStatus RequestParser::stop_status(Step step) {
    return step == Step::failed ? ParseStatus::error : ParseStatus::need_more;
}

// Finds the '\r' ending the header line that starts at `from`. A line still without one is
// a protocol error once more than max_inline_len bytes wait behind it.
RequestParser::Step RequestParser::find_header_line(std::string_view input, std::size_t from,
                                                    const char* too_long_error, std::size_t& cr) {
    cr = find_in_c_string(input, from, '\r');
    if (cr == npos) {
        if (input.size() - from <= limits_.max_inline_len) return Step::need_more;
        fail(too_long_error);
        return Step::failed;
    }
    if (cr + 1 >= input.size()) return Step::need_more;  // the byte after '\r' is missing
    return Step::advanced;
}

RequestParser::Step RequestParser::read_bulk_header(std::string_view input) {
    std::size_t cr = 0;
    const Step header = find_header_line(input, scan_pos_, "too big bulk count string", cr);
    if (header != Step::advanced) return header;
    if (input[scan_pos_] != '$') {
        fail(unexpected_type_message(input[scan_pos_]));
        return Step::failed;
    }
    std::int64_t length = 0;
    // The limit is checked here, before a single byte of the bulk is waited for or stored.
    if (!parse_length(input.substr(scan_pos_ + 1, cr - scan_pos_ - 1), length) || length < 0 ||
        length > limits_.max_bulk_len) {
        fail("invalid bulk length");
        return Step::failed;
    }
    bulk_len_ = length;
    scan_pos_ = cr + 2;
    return Step::advanced;
}

// Takes the current bulk if all of it and the two bytes after it have arrived.
RequestParser::Step RequestParser::read_bulk_body(std::string_view input) {
    const auto length = static_cast<std::size_t>(bulk_len_);
    const std::size_t end = scan_pos_ + length + 2;
    if (input.size() < end) {
        needed_hint_ = end;
        return Step::need_more;
    }
    arg_spans_.emplace_back(scan_pos_, length);
    scan_pos_ = end;
    bulk_len_ = -1;
    return Step::advanced;
}

ParseStatus RequestParser::finish_multibulk(std::string_view input, std::size_t& consumed) {
    for (const auto& [offset, length] : arg_spans_) args_.push_back(input.substr(offset, length));
    consumed = scan_pos_;
    in_multibulk_ = false;
    return ParseStatus::command;
}

ParseStatus RequestParser::parse_inline(std::string_view input, std::size_t& consumed) {
    const std::size_t newline = find_in_c_string(input, 0, '\n');
    if (newline == npos) {
        if (input.size() > limits_.max_inline_len) return fail("too big inline request");
        return ParseStatus::need_more;
    }
    std::size_t line_length = newline;
    if (line_length > 0 && input[line_length - 1] == '\r') --line_length;
    if (!split_reusing(input.substr(0, line_length), inline_args_, inline_argc_))
        return fail("unbalanced quotes in request");
    for (std::size_t i = 0; i < inline_argc_; ++i) args_.push_back(inline_args_[i]);
    consumed = newline + 1;
    return ParseStatus::command;
}

}  // namespace corokv::resp
