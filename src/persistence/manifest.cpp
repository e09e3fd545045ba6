#include "persistence/manifest.hpp"

#include "resp/repr.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace corokv {
namespace {

constexpr std::size_t kMaxLine = 1024;  // Redis's MANIFEST_MAX_LINE

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Redis's sdssplitargs: words separated by spaces; "double quotes" with \xHH, \n, \r, \t, \b,
// \a and \<any>; 'single quotes' with \' only. A closing quote must be followed by a space
// or the end. nullopt for unbalanced quotes.
std::optional<std::vector<std::string>> split_args(std::string_view line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    for (;;) {
        while (i < line.size() && space(line[i])) ++i;
        if (i == line.size()) return out;
        std::string word;
        bool in_double = false, in_single = false;
        for (;;) {
            if (in_double) {
                if (i >= line.size()) return std::nullopt;
                if (line[i] == '\\' && i + 3 < line.size() && line[i + 1] == 'x' && hex_value(line[i + 2]) >= 0 &&
                    hex_value(line[i + 3]) >= 0) {
                    word += static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]));
                    i += 4;
                } else if (line[i] == '\\' && i + 1 < line.size()) {
                    const char c = line[i + 1];
                    word += c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c == 'b' ? '\b' : c == 'a' ? '\a' : c;
                    i += 2;
                } else if (line[i] == '"') {
                    if (i + 1 < line.size() && !space(line[i + 1])) return std::nullopt;
                    ++i;
                    break;
                } else {
                    word += line[i++];
                }
            } else if (in_single) {
                if (i >= line.size()) return std::nullopt;
                if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '\'') {
                    word += '\'';
                    i += 2;
                } else if (line[i] == '\'') {
                    if (i + 1 < line.size() && !space(line[i + 1])) return std::nullopt;
                    ++i;
                    break;
                } else {
                    word += line[i++];
                }
            } else {
                if (i >= line.size() || space(line[i])) break;
                if (line[i] == '"') in_double = true;
                else if (line[i] == '\'') in_single = true;
                else word += line[i];
                ++i;
            }
        }
        out.push_back(std::move(word));
    }
}

// Redis's sdsneedsrepr / sdscatrepr for file names.
bool needs_quoting(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return c == '\\' || c == '"' || c == '\n' || c == '\r' || c == '\t' || c == '\a' || c == '\b' ||
               !std::isprint(u) || std::isspace(u);
    });
}


std::string_view trim(std::string_view s) {
    constexpr std::string_view kBlank = " \t\r\n";
    const auto first = s.find_first_not_of(kBlank);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(kBlank) - first + 1);
}

Result<AofFileInfo> parse_line(std::string_view line) {
    const auto fields = split_args(line);
    // At least file/seq/type; more pairs are allowed for forward compatibility.
    if (!fields || fields->size() < 6 || fields->size() % 2 != 0) return fail("Invalid AOF manifest file format");
    AofFileInfo info;
    char type = 0;
    for (std::size_t i = 0; i < fields->size(); i += 2) {
        const std::string& key = (*fields)[i];
        const std::string& value = (*fields)[i + 1];
        if (iequals(key, "file")) {
            if (value.find_first_of("/\\") != std::string::npos) return fail("File can't be a path, just a filename");
            info.name = value;
        } else if (iequals(key, "seq")) {
            info.seq = std::atoll(value.c_str());
        } else if (iequals(key, "type")) {
            type = value.empty() ? 0 : value[0];
        }
    }
    if (info.name.empty() || info.seq == 0 || type == 0) return fail("Invalid AOF manifest file format");
    if (type != 'b' && type != 'h' && type != 'i') return fail("Unknown AOF file type");
    info.type = static_cast<AofFileInfo::Type>(type);
    return info;
}

}  // namespace

const AofFileInfo* AofManifest::base() const {
    for (const AofFileInfo& f : files)
        if (f.type == AofFileInfo::Type::base) return &f;
    return nullptr;
}

std::vector<const AofFileInfo*> AofManifest::incrs() const {
    std::vector<const AofFileInfo*> out;
    for (const AofFileInfo& f : files)
        if (f.type == AofFileInfo::Type::incr) out.push_back(&f);
    std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->seq < b->seq; });
    return out;
}

std::int64_t AofManifest::next_incr_seq() const {
    std::int64_t seq = 0;
    for (const AofFileInfo& f : files)
        if (f.type == AofFileInfo::Type::incr) seq = std::max(seq, f.seq);
    return seq + 1;
}

std::int64_t AofManifest::next_base_seq() const {
    const AofFileInfo* b = base();
    return b ? b->seq + 1 : 1;
}

Result<AofManifest> parse_manifest(std::string_view text) {
    if (text.empty()) return fail("Found an empty AOF manifest");
    AofManifest manifest;
    std::int64_t max_incr_seq = 0;
    bool have_base = false;
    while (!text.empty()) {
        const std::size_t eol = text.find('\n');
        const std::string_view raw = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        if (!raw.empty() && raw[0] == '#') continue;
        // Redis reads lines with fgets(1024) and wants each to end in a newline: a longer line,
        // or a last line without one (a torn write), is refused.
        if (eol == std::string_view::npos || eol >= kMaxLine) return fail("The AOF manifest file contains too long line");
        const std::string_view line = trim(raw);
        if (line.empty()) return fail("Invalid AOF manifest file format");
        auto info = parse_line(line);
        if (!info) return fail(info.error().message);
        if (info.value().type == AofFileInfo::Type::base) {
            if (have_base) return fail("Found duplicate base file information");
            have_base = true;
        } else if (info.value().type == AofFileInfo::Type::incr) {
            if (info.value().seq <= max_incr_seq) return fail("Found a non-monotonic sequence number");
            max_incr_seq = info.value().seq;
        }
        manifest.files.push_back(std::move(info).value());
    }
    return manifest;
}

std::string format_manifest(const AofManifest& manifest) {
    std::string out;
    auto add = [&](const AofFileInfo& f) {
        out += "file ";
        if (needs_quoting(f.name)) resp::append_repr(out, f.name);
        else out += f.name;
        out += " seq " + std::to_string(f.seq) + " type ";
        out += static_cast<char>(f.type);
        out += '\n';
    };
    for (auto type : {AofFileInfo::Type::base, AofFileInfo::Type::history, AofFileInfo::Type::incr})
        for (const AofFileInfo& f : manifest.files)
            if (f.type == type) add(f);
    return out;
}

std::string aof_file_name(std::string_view appendfilename, std::int64_t seq, AofFileInfo::Type type) {
    const char* suffix = type == AofFileInfo::Type::incr ? ".incr.aof" : ".base.aof";
    return std::string(appendfilename) + "." + std::to_string(seq) + suffix;
}

}  // namespace corokv
