#include "resp/repr.hpp"

#include <cstdio>

namespace corokv::resp {

void append_repr(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\a': out += "\\a"; break;
            case '\b': out += "\\b"; break;
            default: {
                const auto u = static_cast<unsigned char>(c);
                if (u >= 0x20 && u < 0x7f) {
                    out += c;
                } else {
                    char hex[5];
                    std::snprintf(hex, sizeof hex, "\\x%02x", u);
                    out += hex;
                }
            }
        }
    }
    out += '"';
}

}  // namespace corokv::resp
