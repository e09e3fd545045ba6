#include "store/glob.hpp"

#include <cctype>

namespace corokv {
namespace {

char fold(char c, bool nocase) {
    return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Matches one `[...]` class starting at p (just past '['); advances p past the class.
bool match_class(const char*& p, const char* pend, char c, bool nocase) {
    bool negate = false;
    bool matched = false;
    if (p < pend && *p == '^') {
        negate = true;
        ++p;
    }
    while (p < pend && *p != ']') {
        if (*p == '\\' && pend - p >= 2) {
            ++p;
            if (fold(*p, nocase) == fold(c, nocase)) matched = true;
        } else if (pend - p >= 3 && p[1] == '-') {
            char lo = fold(p[0], nocase), hi = fold(p[2], nocase), x = fold(c, nocase);
            if (lo > hi) std::swap(lo, hi);
            if (x >= lo && x <= hi) matched = true;
            p += 2;
        } else if (fold(*p, nocase) == fold(c, nocase)) {
            matched = true;
        }
        ++p;
    }
    // Like Redis, an unterminated class ends at the pattern's end: step back onto its last
    // byte so the caller's advance does not skip past the end.
    if (p >= pend) --p;
    return negate ? !matched : matched;
}

// `skip_longer` is Redis's guard against exponential backtracking: once a `*` failed to
// match the rest at some position, longer suffixes cannot match either.
bool match(const char* p, const char* pend, const char* s, const char* send, bool nocase,
           bool& skip_longer, int depth) {
    if (depth > 1000) return false;  // Redis caps nesting the same way
    while (p < pend && s < send) {
        switch (*p) {
            case '*': {
                while (pend - p >= 2 && p[1] == '*') ++p;
                if (pend - p == 1) return true;
                for (; s < send; ++s) {
                    if (match(p + 1, pend, s, send, nocase, skip_longer, depth + 1)) return true;
                    if (skip_longer) return false;
                }
                skip_longer = true;
                return false;
            }
            case '?':
                ++s;
                break;
            case '[': {
                ++p;
                if (!match_class(p, pend, *s, nocase)) return false;
                ++s;
                break;
            }
            case '\\':
                if (pend - p >= 2) ++p;
                [[fallthrough]];
            default:
                if (fold(*p, nocase) != fold(*s, nocase)) return false;
                ++s;
                break;
        }
        ++p;
        if (s == send) {
            while (p < pend && *p == '*') ++p;
            break;
        }
    }
    // Note Redis's quirk, kept on purpose: "*" does not match the empty string here (KEYS and
    // SCAN special-case a lone "*" before calling the matcher).
    return p == pend && s == send;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
    bool skip_longer = false;
    return match(pattern.data(), pattern.data() + pattern.size(), text.data(),
                 text.data() + text.size(), nocase, skip_longer, 0);
}

}  // namespace corokv
