// SHA-256 (FIPS 180-4), for ACL passwords: Redis stores and shows each password as the
// lowercase hex digest of its SHA-256, and `#<hash>` rules name passwords that way.
#pragma once

#include <string>
#include <string_view>

namespace corokv {

// The 64 lowercase hex digits of SHA-256(data).
std::string sha256_hex(std::string_view data);

}  // namespace corokv
