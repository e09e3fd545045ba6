// Reads commands out of AOF bytes the way Redis's loadSingleAppendOnlyFile does: every
// command is a `*<argc>` line then `$<len>` lines with their bytes; lines starting with '#'
// between commands are annotations and skipped. The reader tells a file that simply ends
// inside a command (a crash mid-write: `truncated`, loadable up to valid_bytes() when
// aof-load-truncated is on) from bytes that can never be a command (`bad_format`, with the
// offset where it starts). Plain C++ over a byte range (the caller maps the file): unit-tested.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace corokv {

class AofReader {
public:
    enum class Status { command, end, truncated, bad_format };

    explicit AofReader(std::string_view data) : data_(data) {}

    // The next command's arguments (views into the data), or why there is none.
    Status next(std::vector<std::string_view>& args);

    // Bytes up to the end of the last complete command (or annotation): where to truncate.
    std::size_t valid_bytes() const { return valid_; }
    // Where the command that failed to parse starts (truncated or bad_format).
    std::size_t error_offset() const { return error_offset_; }

private:
    // One header line like fgets reads it (without the newline); false at end of data.
    bool read_line(std::string_view& line);
    Status stop(Status status, std::size_t command_start);

    std::string_view data_;
    std::size_t pos_ = 0;
    std::size_t valid_ = 0;
    std::size_t error_offset_ = 0;
};

}  // namespace corokv
