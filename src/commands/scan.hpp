// Cursor and option parsing shared by SCAN and HSCAN (later SSCAN/ZSCAN), as Redis's
// scanGenericCommand does it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"

namespace corokv {

struct ScanOptions {
    std::int64_t count = 10;
    std::string_view pattern;
    bool use_pattern = false;
    std::string_view type;     // SCAN only
    bool has_type = false;
};

// Redis 7.0's parseScanCursorOrReply (strtoul), replying "ERR invalid cursor" on failure.
bool scan_cursor_or_reply(CommandContext& c, std::string_view arg, std::uint64_t& cursor);
// Parses COUNT/MATCH (and TYPE when allowed) from argument `from` on.
bool scan_options_or_reply(CommandContext& c, std::size_t from, bool allow_type, ScanOptions& o);
// *2 [cursor as bulk] [items]
void reply_scan(CommandContext& c, std::uint64_t cursor, const std::vector<std::string_view>& items);

}  // namespace corokv
