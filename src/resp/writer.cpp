// Every reply is appended piecewise straight into the caller's buffer; numbers are rendered
// with std::to_chars into a stack buffer first, so writing a reply never allocates beyond
// the output buffer's own growth.
#include "resp/writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace corokv::resp {
namespace {

constexpr std::string_view crlf = "\r\n";

// Large enough for any int64 and for any double printed as "%.17g" (at most 24 chars).
using NumberBuffer = char[32];

std::string_view format_integer(std::int64_t n, NumberBuffer& buf) {
    const auto result = std::to_chars(buf, buf + sizeof buf, n);
    return {buf, static_cast<std::size_t>(result.ptr - buf)};
}

// Redis 7.0's addReplyDouble: snprintf("%.17g") for finite values (to_chars with precision
// 17 gives the same text, without depending on the locale), "inf"/"-inf" spelled out.
std::string_view format_double_into(double d, NumberBuffer& buf) {
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    if (std::isnan(d)) return "nan";
    const auto result = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general, 17);
    return {buf, static_cast<std::size_t>(result.ptr - buf)};
}

bool is_newline(char c) { return c == '\r' || c == '\n'; }

}  // namespace

void ReplyWriter::header(char type, std::int64_t n) {
    NumberBuffer buf;
    out_->push_back(type);
    out_->append(format_integer(n, buf));
    out_->append(crlf);
}

void ReplyWriter::simple(std::string_view s) {
    out_->push_back('+');
    out_->append(s);
    out_->append(crlf);
}

// Like Redis's addReplyErrorFormat: newlines at the ends are dropped and inner ones become
// spaces, so an error quoting client input can never break the reply stream.
void ReplyWriter::error(std::string_view message) {
    while (!message.empty() && is_newline(message.front())) message.remove_prefix(1);
    while (!message.empty() && is_newline(message.back())) message.remove_suffix(1);
    out_->push_back('-');
    const std::size_t start = out_->size();
    out_->append(message);
    std::replace_if(out_->begin() + static_cast<std::ptrdiff_t>(start), out_->end(), is_newline, ' ');
    out_->append(crlf);
}

void ReplyWriter::integer(std::int64_t n) { header(':', n); }

void ReplyWriter::bulk(std::string_view s) {
    header('$', static_cast<std::int64_t>(s.size()));
    out_->append(s);
    out_->append(crlf);
}

void ReplyWriter::bulk_int(std::int64_t n) {
    NumberBuffer buf;
    bulk(format_integer(n, buf));
}

void ReplyWriter::null() { out_->append(proto_ >= 3 ? "_\r\n" : "$-1\r\n"); }

void ReplyWriter::null_array() { out_->append(proto_ >= 3 ? "_\r\n" : "*-1\r\n"); }

void ReplyWriter::array(std::size_t n) { header('*', static_cast<std::int64_t>(n)); }

void ReplyWriter::map(std::size_t pairs) {
    if (proto_ >= 3) header('%', static_cast<std::int64_t>(pairs));
    else header('*', static_cast<std::int64_t>(pairs * 2));  // RESP2: key, value, key, value...
}

void ReplyWriter::set(std::size_t n) { header(proto_ >= 3 ? '~' : '*', static_cast<std::int64_t>(n)); }

void ReplyWriter::push(std::size_t n) { header(proto_ >= 3 ? '>' : '*', static_cast<std::int64_t>(n)); }

void ReplyWriter::boolean(bool b) {
    if (proto_ >= 3) out_->append(b ? "#t\r\n" : "#f\r\n");
    else out_->append(b ? ":1\r\n" : ":0\r\n");
}

std::string ReplyWriter::format_double(double d) {
    NumberBuffer buf;
    return std::string(format_double_into(d, buf));
}

void ReplyWriter::double_value(double d) {
    NumberBuffer buf;
    const std::string_view text = format_double_into(d, buf);
    if (proto_ < 3) {
        bulk(text);
        return;
    }
    out_->push_back(',');
    out_->append(text);
    out_->append(crlf);
}

void ReplyWriter::big_number(std::string_view digits) {
    if (proto_ < 3) {
        bulk(digits);
        return;
    }
    out_->push_back('(');
    out_->append(digits);
    out_->append(crlf);
}

// RESP3 verbatim strings carry a three-letter format before the text: "=6\r\ntxt:hi\r\n".
void ReplyWriter::verbatim(std::string_view text, std::string_view format) {
    if (proto_ < 3) {
        bulk(text);
        return;
    }
    header('=', static_cast<std::int64_t>(format.size() + 1 + text.size()));
    out_->append(format);
    out_->push_back(':');
    out_->append(text);
    out_->append(crlf);
}

}  // namespace corokv::resp
