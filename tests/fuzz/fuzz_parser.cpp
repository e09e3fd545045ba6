// libFuzzer target for the RESP request parser. Each input is parsed twice: whole, and fed
// in chunks at split points taken from the input itself (the way reads arrive on a socket,
// with consumed bytes dropped from the front). Both must give the same commands and the
// same error, and the parser must never claim more bytes than it was given.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "resp/parser.hpp"

using namespace corokv::resp;

namespace {

struct Result {
    std::vector<std::vector<std::string>> commands;
    std::string error;
};

void require(bool ok) {
    if (!ok) std::abort();
}

// Parses what is in `buffer`, appends commands to `r`, drops consumed bytes.
bool drain(RequestParser& p, std::string& buffer, Result& r) {
    std::size_t offset = 0;
    for (;;) {
        std::size_t used = 0;
        std::string_view rest(buffer.data() + offset, buffer.size() - offset);
        const ParseStatus status = p.parse(rest, used);
        require(used <= rest.size());
        offset += used;
        if (status == ParseStatus::command) {
            require(!p.args().empty());
            r.commands.emplace_back(p.args().begin(), p.args().end());
            continue;
        }
        buffer.erase(0, offset);
        if (status == ParseStatus::error) {
            r.error = p.error();
            require(r.error.rfind("ERR Protocol error: ", 0) == 0);
            return false;
        }
        return true;
    }
}

ParserLimits small_limits() {
    ParserLimits limits;
    limits.max_bulk_len = 4096;   // small, so the fuzzer reaches the limit paths
    limits.max_inline_len = 512;
    return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);

    Result whole;
    {
        RequestParser p(small_limits());
        std::string buffer = input;
        drain(p, buffer, whole);
    }

    Result chunked;
    {
        RequestParser p(small_limits());
        std::string buffer;
        std::size_t pos = 0;
        std::size_t step = size > 0 ? (data[0] % 13) + 1 : 1;
        while (pos < size) {
            const std::size_t n = std::min(step, size - pos);
            buffer.append(input, pos, n);
            pos += n;
            if (!drain(p, buffer, chunked)) break;
            step = (step * 7 + 3) % 17 + 1;
        }
    }
    // Without errors both runs must agree exactly. The "too big" limits apply to a line that
    // has not ended yet, so they can trip in a chunked run and not in the whole one (Redis
    // behaves the same); then the commands before the error must still agree.
    if (whole.error.empty() && chunked.error.empty()) {
        require(whole.commands == chunked.commands);
    } else {
        const auto& shorter = whole.commands.size() <= chunked.commands.size() ? whole.commands : chunked.commands;
        const auto& longer = whole.commands.size() <= chunked.commands.size() ? chunked.commands : whole.commands;
        require(std::equal(shorter.begin(), shorter.end(), longer.begin()));
    }
    return 0;
}
