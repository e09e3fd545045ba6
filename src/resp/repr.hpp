// Redis's sdscatrepr: a byte string as a double-quoted literal with C escapes and \xHH for
// other unprintable bytes. MONITOR lines and AOF manifest file names use it.
#pragma once

#include <string>
#include <string_view>

namespace corokv::resp {

void append_repr(std::string& out, std::string_view s);

}  // namespace corokv::resp
