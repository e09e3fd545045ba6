#include "resp/writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace corokv::resp {

void ReplyWriter::header(char type, std::int64_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    (void)ec;
    out_->push_back(type);
    out_->append(buf, static_cast<std::size_t>(end - buf));
    out_->append("\r\n", 2);
}

void ReplyWriter::simple(std::string_view s) {
    out_->push_back('+');
    out_->append(s);
    out_->append("\r\n", 2);
}

void ReplyWriter::error(std::string_view message) {
    out_->push_back('-');
    out_->append(message);
    out_->append("\r\n", 2);
}

void ReplyWriter::integer(std::int64_t n) { header(':', n); }

void ReplyWriter::bulk(std::string_view s) {
    header('$', static_cast<std::int64_t>(s.size()));
    out_->append(s);
    out_->append("\r\n", 2);
}

void ReplyWriter::bulk_int(std::int64_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    (void)ec;
    bulk(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

void ReplyWriter::null() {
    if (proto_ >= 3) out_->append("_\r\n", 3);
    else out_->append("$-1\r\n", 5);
}

void ReplyWriter::null_array() {
    if (proto_ >= 3) out_->append("_\r\n", 3);
    else out_->append("*-1\r\n", 5);
}

void ReplyWriter::array(std::size_t n) { header('*', static_cast<std::int64_t>(n)); }

void ReplyWriter::map(std::size_t pairs) {
    if (proto_ >= 3) header('%', static_cast<std::int64_t>(pairs));
    else header('*', static_cast<std::int64_t>(pairs * 2));
}

void ReplyWriter::set(std::size_t n) { header(proto_ >= 3 ? '~' : '*', static_cast<std::int64_t>(n)); }

void ReplyWriter::push(std::size_t n) { header(proto_ >= 3 ? '>' : '*', static_cast<std::int64_t>(n)); }

void ReplyWriter::boolean(bool b) {
    if (proto_ >= 3) out_->append(b ? "#t\r\n" : "#f\r\n", 4);
    else out_->append(b ? ":1\r\n" : ":0\r\n", 4);
}

std::string ReplyWriter::format_double(double d) {
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    if (std::isnan(d)) return "nan";
    char buf[64];
    int len = std::snprintf(buf, sizeof buf, "%.17g", d);
    return std::string(buf, static_cast<std::size_t>(len));
}

void ReplyWriter::double_value(double d) {
    const std::string text = format_double(d);
    if (proto_ >= 3) {
        out_->push_back(',');
        out_->append(text);
        out_->append("\r\n", 2);
    } else {
        bulk(text);
    }
}

void ReplyWriter::big_number(std::string_view digits) {
    if (proto_ < 3) {
        bulk(digits);
        return;
    }
    out_->push_back('(');
    out_->append(digits);
    out_->append("\r\n", 2);
}

void ReplyWriter::verbatim(std::string_view text, std::string_view format) {
    if (proto_ < 3) {
        bulk(text);
        return;
    }
    header('=', static_cast<std::int64_t>(text.size() + format.size() + 1));
    out_->append(format);
    out_->push_back(':');
    out_->append(text);
    out_->append("\r\n", 2);
}

}  // namespace corokv::resp
