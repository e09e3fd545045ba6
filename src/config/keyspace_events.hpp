// notify-keyspace-events: which keyspace notifications are published, as Redis's bit flags
// (server.h NOTIFY_*), and the flag letters CONFIG SET takes and CONFIG GET shows.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace corokv::keyspace_events {

enum Flag : int {
    kKeyspace = 1 << 0,   // K: __keyspace@<db>__:<key> channels
    kKeyevent = 1 << 1,   // E: __keyevent@<db>__:<event> channels
    kGeneric = 1 << 2,    // g: del, expire, rename, copy, persist, ...
    kString = 1 << 3,     // $
    kList = 1 << 4,       // l
    kSet = 1 << 5,        // s
    kHash = 1 << 6,       // h
    kZset = 1 << 7,       // z
    kExpired = 1 << 8,    // x
    kEvicted = 1 << 9,    // e
    kStream = 1 << 10,    // t (corokv has no streams)
    kKeyMiss = 1 << 11,   // m: read lookups that found nothing
    kModule = 1 << 13,    // d (corokv has no modules)
    kNew = 1 << 14,       // n: a key was added to the keyspace
    // A: every class but m and n, as Redis's NOTIFY_ALL.
    kAll = kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule,
};

// Redis's keyspaceEventsStringToFlags: empty optional for a letter outside
// "Ag$lshzxeKEtmdn". Like Redis (a C string), parsing stops at a NUL byte.
std::optional<int> parse(std::string_view letters);

// Redis's keyspaceEventsFlagsToString: "A" when every class of A is on, else the class
// letters in Redis's order; then K, E, m. Like Redis's, it never shows n next to A.
std::string format(int flags);

}  // namespace corokv::keyspace_events
