// Redis's glob-style matcher (KEYS, SCAN MATCH, CONFIG GET, later PSUBSCRIBE):
// `*`, `?`, `[abc]`, `[^a-z]`, and `\` escapes.
#pragma once

#include <string_view>

namespace corokv {

bool glob_match(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace corokv
