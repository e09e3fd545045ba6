// Replays AOF bytes through the command table, as Redis's loadSingleAppendOnlyFile does
// with its fake client: every command runs like a client's (same handlers, same checks) but
// is not logged again, ignores maxmemory and never blocks. A MULTI ... EXEC block runs when
// its EXEC is read; one cut off by the end of the data is dropped (the file is truncated
// before its MULTI). Plain C++ over bytes the caller mapped: unit-tested.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "commands/server_state.hpp"

namespace corokv {

struct ReplayOutcome {
    enum class Kind { complete, truncated, bad_format, unknown_command };
    Kind kind = Kind::complete;
    std::size_t valid_bytes = 0;   // where a truncated file may be cut
    std::size_t error_offset = 0;  // where the bad or unknown command starts
    std::string command;           // the unknown command's name
    std::size_t commands = 0;      // commands executed
};

class AofReplayer {
public:
    explicit AofReplayer(ServerState& state);

    // Runs every command in `data`. `progress(bytes_done)` is called every few thousand
    // commands. The database selected carries over from one call to the next (the base file
    // and the incr files are one log).
    ReplayOutcome replay(std::string_view data, const std::function<void(std::size_t)>& progress = {});

private:
    ServerState& state_;
    ClientSession session_;
    std::string replies_;
};

}  // namespace corokv
