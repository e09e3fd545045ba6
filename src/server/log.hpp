// Redis-style log lines ("pid:M 24 Nov 2026 19:00:00.123 * message") to stdout or logfile.
#pragma once

#include <string_view>

namespace corokv {

enum class LogLevel { debug = 0, verbose = 1, notice = 2, warning = 3 };

void log_configure(int min_level, std::string_view logfile);
void log_message(LogLevel level, std::string_view message);

}  // namespace corokv
