// Redis 7's multi-part AOF manifest: which files make up the log, in what order.
//
//   file appendonly.aof.2.base.aof seq 2 type b
//   file appendonly.aof.2.incr.aof seq 2 type i
//
// One base file (type b: the dataset as of the last rewrite), then incremental files (type i)
// in increasing sequence order, replayed in that order; history files (type h) are leftovers
// of earlier rewrites waiting to be deleted. A rewrite writes a new base and a new incr file,
// then swaps the manifest atomically (write a temp file, fsync, rename), so a crash at any
// moment leaves either the old or the new manifest, both naming complete files. Plain C++ (no
// I/O here): parsing and formatting only, so it is unit-tested like the RESP parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace corokv {

struct AofFileInfo {
    enum class Type : char { base = 'b', history = 'h', incr = 'i' };
    std::string name;
    std::int64_t seq = 0;
    Type type = Type::incr;
};

struct AofManifest {
    std::vector<AofFileInfo> files;  // base (at most one), history, incr: as listed

    const AofFileInfo* base() const;
    std::vector<const AofFileInfo*> incrs() const;  // ascending seq
    std::int64_t next_incr_seq() const;
    std::int64_t next_base_seq() const;
};

// Redis's aofLoadManifestFromFile rules: blank lines and '#' comments skipped, each line a
// list of key/value pairs (file, seq, type; unknown keys ignored for forward compatibility,
// names may be quoted), at most one base, incr sequence numbers strictly increasing.
// Errors carry Redis's messages.
Result<AofManifest> parse_manifest(std::string_view text);

// The manifest's text: base first, then history, then incr files, one line each; names with
// spaces or special characters are quoted as Redis's sdscatrepr does.
std::string format_manifest(const AofManifest& manifest);

// "appendonly.aof.3.incr.aof" and friends, as Redis names them.
std::string aof_file_name(std::string_view appendfilename, std::int64_t seq, AofFileInfo::Type type);

}  // namespace corokv
