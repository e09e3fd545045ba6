#include "server/log.hpp"

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace corokv {
namespace {
std::mutex log_mutex;
std::FILE* log_file = stdout;
std::atomic<int> min_level{static_cast<int>(LogLevel::notice)};
}  // namespace

void log_configure(int level, std::string_view logfile) {
    std::lock_guard lock(log_mutex);
    min_level = level;
    if (!logfile.empty()) {
        if (std::FILE* f = std::fopen(std::string(logfile).c_str(), "a")) log_file = f;
    }
}

void log_message(LogLevel level, std::string_view message) {
    if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) return;
    static constexpr char marks[] = {'.', '-', '*', '#'};
    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm local{};
    localtime_r(&tv.tv_sec, &local);
    char stamp[64];
    std::size_t n = std::strftime(stamp, sizeof stamp, "%d %b %Y %H:%M:%S", &local);
    std::snprintf(stamp + n, sizeof stamp - n, ".%03d", static_cast<int>(tv.tv_usec / 1000));
    std::lock_guard lock(log_mutex);
    std::fprintf(log_file, "%d:M %s %c %.*s\n", static_cast<int>(getpid()), stamp,
                 marks[static_cast<int>(level)], static_cast<int>(message.size()), message.data());
    std::fflush(log_file);
}

}  // namespace corokv
