// libFuzzer target for the RESP request parser.
//
// Each input is parsed whole, and again fed in chunks at split points taken from the input
// itself (the way reads arrive on a socket, consumed bytes dropped from the front so the
// buffer moves). Both must give the same commands and the same error. The one allowed
// difference is Redis's own: a "too big ..." limit applies to a line whose end has not
// arrived yet, so a chunked run may stop there while the whole run goes on.
// Every command found is also written back with ReplyWriter as a multibulk request and must
// parse to the same arguments. The parser must never claim more bytes than it was given.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "resp/parser.hpp"
#include "resp/writer.hpp"

using namespace corokv::resp;

namespace {

using Command = std::vector<std::string>;

struct Result {
    std::vector<Command> commands;
    std::string error;
};

// abort() rather than assert(): checks stay on whatever NDEBUG the build uses.
void require(bool ok) {
    if (!ok) std::abort();
}

bool is_too_big_error(const std::string& error) { return error.find(": too big ") != std::string::npos; }

// Parses what is in `buffer`, appends commands to `r`, drops consumed bytes. Returns false
// once the parser reported an error.
bool drain(RequestParser& parser, std::string& buffer, Result& r) {
    std::size_t offset = 0;
    for (;;) {
        const std::string_view rest(buffer.data() + offset, buffer.size() - offset);
        std::size_t used = 0;
        const ParseStatus status = parser.parse(rest, used);
        require(used <= rest.size());
        offset += used;
        switch (status) {
            case ParseStatus::command:
                require(!parser.args().empty());
                require(used > 0);
                r.commands.emplace_back(parser.args().begin(), parser.args().end());
                continue;
            case ParseStatus::need_more:
                // A hint, when given, asks for more than there is.
                require(parser.bytes_needed_hint() == 0 || parser.bytes_needed_hint() > rest.size());
                buffer.erase(0, offset);
                return true;
            case ParseStatus::error:
                r.error = parser.error();
                require(r.error.rfind("ERR Protocol error: ", 0) == 0);
                require(r.error.find_first_of("\r\n") == std::string::npos);
                return false;
        }
    }
}

Result parse_whole(std::string_view input, const ParserLimits& limits) {
    RequestParser parser(limits);
    Result r;
    std::string buffer(input);
    drain(parser, buffer, r);
    return r;
}

// Chunk sizes 1..32 come from the input's own bytes, so the fuzzer also explores splits.
Result parse_chunked(std::string_view input, const ParserLimits& limits) {
    RequestParser parser(limits);
    Result r;
    std::string buffer;
    std::size_t pos = 0;
    std::size_t salt = input.size();
    while (pos < input.size()) {
        const auto byte = static_cast<unsigned char>(input[(pos * 31 + salt) % input.size()]);
        const std::size_t n = std::min<std::size_t>(byte % 32 + 1, input.size() - pos);
        buffer.append(input.substr(pos, n));
        pos += n;
        salt += byte;
        if (!drain(parser, buffer, r)) break;
    }
    return r;
}

void require_same_outcome(const Result& whole, const Result& chunked) {
    // (The whole run may still fail later, even with the same "too big" text.)
    if (is_too_big_error(chunked.error)) {
        require(chunked.commands.size() <= whole.commands.size());
        require(std::equal(chunked.commands.begin(), chunked.commands.end(), whole.commands.begin()));
        return;
    }
    require(chunked.commands == whole.commands);
    require(chunked.error == whole.error);
}

// Writes `command` the way a client would send it and parses it back.
void require_round_trip(const Command& command) {
    std::string request;
    ReplyWriter writer(request);
    writer.array(command.size());
    for (const std::string& arg : command) writer.bulk(arg);

    RequestParser parser;
    std::size_t used = 0;
    require(parser.parse(request, used) == ParseStatus::command);
    require(used == request.size());
    require(std::equal(parser.args().begin(), parser.args().end(), command.begin(), command.end()));
}

// Small limits, so the fuzzer reaches every limit path.
ParserLimits small_limits() {
    ParserLimits limits;
    limits.max_bulk_len = 512;
    limits.max_inline_len = 64;
    limits.max_multibulk_len = 64;
    return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // Default limits: an input shorter than the 64 KB line limit can never trip it, so the
    // two runs must agree exactly.
    const ParserLimits defaults;
    const Result whole = parse_whole(input, defaults);
    const Result chunked = parse_chunked(input, defaults);
    if (size <= defaults.max_inline_len) require(!is_too_big_error(chunked.error));
    require_same_outcome(whole, chunked);

    require_same_outcome(parse_whole(input, small_limits()), parse_chunked(input, small_limits()));

    for (const Command& command : whole.commands) require_round_trip(command);
    return 0;
}
