#include "config/keyspace_events.hpp"

namespace corokv::keyspace_events {
namespace {

struct Letter {
    char letter;
    int flag;
};

// The class letters in the order Redis formats them.
constexpr Letter kClasses[] = {{'g', kGeneric}, {'$', kString},  {'l', kList},   {'s', kSet},
                               {'h', kHash},    {'z', kZset},    {'x', kExpired}, {'e', kEvicted},
                               {'t', kStream},  {'d', kModule},  {'n', kNew}};
constexpr Letter kOthers[] = {{'A', kAll}, {'K', kKeyspace}, {'E', kKeyevent}, {'m', kKeyMiss}};

}  // namespace

std::optional<int> parse(std::string_view letters) {
    int flags = 0;
    for (char c : letters.substr(0, letters.find('\0'))) {
        int flag = 0;
        for (const Letter& l : kClasses)
            if (l.letter == c) flag = l.flag;
        for (const Letter& l : kOthers)
            if (l.letter == c) flag = l.flag;
        if (flag == 0) return std::nullopt;
        flags |= flag;
    }
    return flags;
}

std::string format(int flags) {
    std::string out;
    if ((flags & kAll) == kAll) {
        out += 'A';
    } else {
        for (const Letter& l : kClasses)
            if (flags & l.flag) out += l.letter;
    }
    if (flags & kKeyspace) out += 'K';
    if (flags & kKeyevent) out += 'E';
    if (flags & kKeyMiss) out += 'm';
    return out;
}

}  // namespace corokv::keyspace_events
