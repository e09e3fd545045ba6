// Incremental RESP2 request parser (multibulk + inline), Redis's limits and error texts.
//
// The parser never owns the input buffer. A connection keeps its unconsumed bytes at the
// front of its read buffer and calls parse() again whenever more bytes arrive; the parser
// remembers how far it got (as offsets, so the buffer may be moved or grown in between).
// No Asio, no sockets: this file is unit-tested and fuzzed on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corokv::resp {

struct ParserLimits {
    std::int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
    std::size_t max_inline_len = 64 * 1024;           // PROTO_INLINE_MAX_SIZE
    std::int64_t max_multibulk_len = 2147483647;      // INT_MAX, as Redis
};

enum class ParseStatus {
    command,    // one complete command: see args(), consumed bytes reported
    need_more,  // input ends inside a command; call again with the same start + more bytes
    error,      // protocol error: see error(); the connection replies and closes
};

class RequestParser {
public:
    explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

    // Parses at most one command from `input`, which must start at the first byte not yet
    // consumed. Empty commands (`*0\r\n`, `*-1\r\n`, blank inline lines) are skipped
    // silently: they count as consumed and parsing continues with the next command.
    // On `command`, `consumed` is the number of bytes of `input` the command used (including
    // any skipped empty commands before it) and args() views stay valid until the next
    // parse() call or until the input buffer changes. On `need_more`, `consumed` is the
    // number of leading bytes that may be dropped (skipped empty commands only).
    ParseStatus parse(std::string_view input, std::size_t& consumed);

    std::span<const std::string_view> args() const { return args_; }

    // Redis's full error text without the leading '-', e.g.
    // "ERR Protocol error: invalid bulk length".
    const std::string& error() const { return error_; }

    // While inside a bulk argument, how many bytes (from the start of `input`) the command
    // needs at least: lets the connection grow its buffer once for a big argument.
    std::size_t bytes_needed_hint() const { return needed_hint_; }

    void set_limits(const ParserLimits& limits) { limits_ = limits; }
    const ParserLimits& limits() const { return limits_; }
    void reset();

private:
    ParseStatus parse_multibulk(std::string_view input, std::size_t& consumed);
    ParseStatus parse_inline(std::string_view input, std::size_t& consumed);
    // One step through a multibulk command either makes progress or stops parse() there.
    // (A plain enum, not std::optional<ParseStatus>: GCC returns that through memory and
    // the reload stalls: multibulk parsing ran at half speed.)
    enum class Step : unsigned char { advanced, need_more, failed };
    static ParseStatus stop_status(Step step);
    Step find_header_line(std::string_view input, std::size_t from, const char* too_long_error,
                          std::size_t& cr);
    Step read_bulk_header(std::string_view input);
    Step read_bulk_body(std::string_view input);
    ParseStatus finish_multibulk(std::string_view input, std::size_t& consumed);
    ParseStatus fail(std::string_view message);

    ParserLimits limits_;
    std::vector<std::string_view> args_;
    std::string error_;
    std::size_t needed_hint_ = 0;

    // Progress through a multibulk command that is not complete yet (offsets from the
    // start of the command, so they survive the buffer moving).
    bool in_multibulk_ = false;
    std::int64_t multibulk_len_ = 0;
    std::size_t scan_pos_ = 0;   // where the next header/bulk starts
    std::int64_t bulk_len_ = -1; // length of the bulk being read, -1 = header not read yet
    std::vector<std::pair<std::size_t, std::size_t>> arg_spans_;  // (offset, length)

    // Inline commands may contain escapes, so their arguments are owned here. Only the
    // first inline_argc_ are the current command; the rest keep their capacity for reuse.
    std::vector<std::string> inline_args_;
    std::size_t inline_argc_ = 0;
};

// Splits an inline command line like redis-cli and sdssplitargs do: spaces separate
// arguments, "double quotes" understand \n \r \t \b \a \\ \" and \xHH, 'single quotes'
// understand \'. Returns false on unbalanced quotes (or a closing quote not followed by a
// space).
bool split_inline_args(std::string_view line, std::vector<std::string>& out);

}  // namespace corokv::resp
