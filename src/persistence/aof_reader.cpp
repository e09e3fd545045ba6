#include "persistence/aof_reader.hpp"

#include <charconv>

namespace corokv {
namespace {

// atoi/strtol as Redis uses them here: leading digits (with an optional sign), the rest
// ignored; no digits is 0.
long long leading_number(std::string_view s) {
    long long n = 0;
    const char* begin = s.data();
    if (!s.empty() && s[0] == '+') ++begin;
    std::from_chars(begin, s.data() + s.size(), n);
    return n;
}

}  // namespace

bool AofReader::read_line(std::string_view& line) {
    if (pos_ >= data_.size()) return false;
    const std::size_t eol = data_.find('\n', pos_);
    const std::size_t end = eol == std::string_view::npos ? data_.size() : eol + 1;
    line = data_.substr(pos_, end - pos_);
    pos_ = end;
    return true;
}

AofReader::Status AofReader::stop(Status status, std::size_t command_start) {
    error_offset_ = command_start;
    pos_ = data_.size();  // nothing after an error is read
    return status;
}

AofReader::Status AofReader::next(std::vector<std::string_view>& args) {
    args.clear();
    for (;;) {
        const std::size_t start = pos_;
        std::string_view line;
        if (!read_line(line)) return Status::end;
        if (line[0] == '#') {  // annotation, e.g. Redis's "#TS:<unix time>"
            valid_ = pos_;
            continue;
        }
        if (line[0] != '*') return stop(Status::bad_format, start);
        // "*" with nothing after it: the file ends right there.
        if (line.size() == 1) return stop(Status::truncated, start);
        const long long argc = leading_number(line.substr(1));
        if (argc < 1) return stop(Status::bad_format, start);
        for (long long i = 0; i < argc; ++i) {
            if (!read_line(line)) return stop(Status::truncated, start);
            if (line[0] != '$') return stop(Status::bad_format, start);
            const long long len = leading_number(line.substr(1));
            if (len < 0) return stop(Status::bad_format, start);
            const auto size = static_cast<std::size_t>(len);
            // The bytes, then a CRLF that is skipped without looking at it (as Redis does).
            if (data_.size() - pos_ < size + 2) return stop(Status::truncated, start);
            args.push_back(data_.substr(pos_, size));
            pos_ += size + 2;
        }
        valid_ = pos_;
        return Status::command;
    }
}

}  // namespace corokv
