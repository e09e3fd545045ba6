// SLOWLOG: commands that ran for at least `slowlog-log-slower-than` microseconds, newest
// first, at most `slowlog-max-len` of them. Timing uses the CPU's time-stamp counter where
// there is one: two reads per command cost a fraction of a clock_gettime on this kind of VM.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/clients.hpp"
#include "resp/writer.hpp"

namespace corokv {

// A monotonic tick count and how many ticks make a microsecond (calibrated once per process).
std::uint64_t cpu_ticks();
double ticks_per_us();

class SlowLog {
public:
    struct Entry {
        std::uint64_t id;
        std::int64_t time_s;
        std::int64_t duration_us;
        std::vector<std::string> args;  // truncated and redacted as Redis does
        std::string client_addr;
        std::string client_name;
    };

    void record(std::span<const std::string_view> args, std::int64_t duration_us, const ClientSession& client,
                std::size_t max_len);
    void reply_entries(resp::ReplyWriter& out, std::int64_t count) const;  // count -1 = all
    std::size_t size() const;
    void reset();

private:
    mutable std::mutex mutex_;
    std::deque<Entry> entries_;  // newest first
    std::uint64_t next_id_ = 0;  // never reset, as in Redis
};

}  // namespace corokv
