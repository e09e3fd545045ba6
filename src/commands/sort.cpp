// SORT and SORT_RO (Redis 7.0's sort.c): sort the elements of a list, set or sorted set
// numerically or lexicographically, optionally by values of other keys (BY pattern), fetch
// other keys per element (GET pattern), and return or STORE the result as a list.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "commands/command_table.hpp"
#include "commands/keyspace_events.hpp"
#include "commands/acl_users.hpp"
#include "commands/numbers.hpp"

namespace corokv {
namespace {

struct SortOptions {
    bool desc = false;
    bool alpha = false;
    bool dontsort = false;                 // BY a pattern without '*' (e.g. BY nosort)
    std::int64_t limit_start = 0;
    std::int64_t limit_count = -1;
    std::optional<std::string_view> by;    // the BY pattern
    std::vector<std::string_view> gets;    // GET patterns, in order
    std::optional<std::string_view> store;
};

// Parses SORT's SQL-like options as sortGenericCommand does: later options override
// earlier ones, and a BY without '*' turns sorting off for good.
bool parse_sort_options(CommandContext& c, bool readonly, SortOptions& o) {
    for (std::size_t j = 2; j < c.argc(); ++j) {
        const std::string_view opt = c.arg(j);
        const std::size_t left = c.argc() - j - 1;
        if (option_is(opt, "asc")) {
            o.desc = false;
        } else if (option_is(opt, "desc")) {
            o.desc = true;
        } else if (option_is(opt, "alpha")) {
            o.alpha = true;
        } else if (option_is(opt, "limit") && left >= 2) {
            if (!int_arg_or_reply(c, c.arg(j + 1), o.limit_start) ||
                !int_arg_or_reply(c, c.arg(j + 2), o.limit_count))
                return false;
            j += 2;
        } else if (!readonly && option_is(opt, "store") && left >= 1) {
            o.store = c.arg(++j);
        } else if (option_is(opt, "by") && left >= 1) {
            o.by = c.arg(++j);
            if (o.by->find('*') == std::string_view::npos) {
                o.dontsort = true;
            } else if (!may_read_every_key(c.client)) {
                // The keys a pattern names are not arguments: the ACL could not check them.
                c.out.error("ERR BY option of SORT denied due to insufficient ACL permissions.");
                return false;
            }
        } else if (option_is(opt, "get") && left >= 1) {
            if (!may_read_every_key(c.client)) {
                c.out.error("ERR GET option of SORT denied due to insufficient ACL permissions.");
                return false;
            }
            o.gets.push_back(c.arg(++j));
        } else {
            c.out.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

// Redis's patterns are C strings: strchr/strstr stop at the first NUL byte.
std::string_view c_string_prefix(std::string_view s) { return s.substr(0, s.find('\0')); }

// Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced
// by the element to name a key, and "->field" after the '*' reads that field of a hash.
// Yields nothing for a pattern without '*', a missing key or field, or a key of another type.
// A string value may be formatted into `scratch`.
std::optional<std::string_view> lookup_by_pattern(CommandContext& c, std::string_view pattern,
                                                  std::string_view element, char (&scratch)[24]) {
    const std::string_view cpat = c_string_prefix(pattern);
    if (cpat == "#") return element;
    const std::size_t star = cpat.find('*');
    if (star == std::string_view::npos) return std::nullopt;
    const std::size_t arrow = cpat.find("->", star + 1);
    const bool has_field = arrow != std::string_view::npos && arrow + 2 < cpat.size();
    const std::size_t key_end = has_field ? arrow : pattern.size();

    std::string key;
    key.reserve(star + element.size() + (key_end - star - 1));
    key.append(pattern.substr(0, star)).append(element).append(pattern.substr(star + 1, key_end - star - 1));
    Entry* e = c.find_read(key);
    if (!e) return std::nullopt;
    if (has_field) {
        const auto* h = std::get_if<HashValue>(&e->value);
        const std::string* v = h ? h->fields().find(pattern.substr(arrow + 2)) : nullptr;
        if (!v) return std::nullopt;
        return std::string_view(*v);
    }
    const auto* s = std::get_if<StringValue>(&e->value);
    if (!s) return std::nullopt;
    return s->view(scratch);
}

// One element being sorted. Elements are owned copies: list elements stored as integers
// are only formatted into scratch buffers, and STORE may overwrite the source key.
struct SortItem {
    explicit SortItem(std::string_view e) : element(e) {}
    std::string element;
    double score = 0;
    std::optional<std::string> by_value;   // ALPHA with BY: the looked-up text
};

// The slice of the result to output, as Redis clamps LIMIT (end < start: nothing).
struct Range {
    std::int64_t start;
    std::int64_t end;
};

Range clamp_limit(const SortOptions& o, std::int64_t len) {
    std::int64_t start = std::min(std::max<std::int64_t>(o.limit_start, 0), len);
    const std::int64_t count = std::min(std::max<std::int64_t>(o.limit_count, -1), len);
    std::int64_t end = count < 0 ? len : start + count - 1;
    if (start >= len) {
        start = len - 1;
        end = len - 2;
    }
    if (end >= len) end = len - 1;
    return {start, end};
}

// --- loading the elements -------------------------------------------------------------------

void load_set(const SetValue& s, std::vector<SortItem>& items) {
    items.reserve(s.size());
    s.for_each([&](std::string_view m) { items.emplace_back(m); });
}

// A list in its own order (or reversed for DESC) when there is nothing to sort: only the
// LIMIT range is loaded, and `range` is shifted to match.
void load_list_range(const ListValue& l, bool desc, Range& range, std::vector<SortItem>& items) {
    if (range.end < range.start) return;
    const auto count = static_cast<std::size_t>(range.end - range.start + 1);
    const auto len = static_cast<std::int64_t>(l.size());
    const auto first = static_cast<std::size_t>(desc ? len - range.start - 1 : range.start);
    items.reserve(count);
    ListScratch scratch;
    for (auto cur = l.cursor(first); cur.valid() && items.size() < count;) {
        items.emplace_back(cur.value(scratch));
        if (desc) cur.prev();
        else cur.next();
    }
    range.end -= range.start;
    range.start = 0;
}

void load_list(const ListValue& l, std::vector<SortItem>& items) {
    items.reserve(l.size());
    l.for_each(0, l.size(), [&](std::string_view v) { items.emplace_back(v); });
}

// A sorted set in rank order (reversed for DESC) when there is nothing to sort: only the
// LIMIT range is loaded, found by rank in O(log n), and `range` is shifted to match.
void load_zset_range(const ZSetValue& z, bool desc, Range& range, std::vector<SortItem>& items) {
    if (range.end < range.start) return;
    const auto count = static_cast<std::size_t>(range.end - range.start + 1);
    const auto start = static_cast<std::size_t>(range.start);
    items.reserve(count);
    const ZSetNode* node = z.at_rank(desc ? z.size() - 1 - start : start);
    for (; node && items.size() < count; node = desc ? node->prev() : node->next())
        items.emplace_back(node->member());
    range.end -= range.start;
    range.start = 0;
}

void load_zset(const ZSetValue& z, std::vector<SortItem>& items) {
    items.reserve(z.size());
    for (const ZSetNode* node = z.first(); node; node = node->next()) items.emplace_back(node->member());
}

// --- sorting --------------------------------------------------------------------------------

// Redis's strtod check: the whole C string must be a number, in range and not NaN.
bool parse_score(std::string_view text, double& score) {
    const std::string z(text);   // NUL-terminated; strtod stops at an embedded NUL as Redis's
    char* end = nullptr;
    errno = 0;
    score = std::strtod(z.c_str(), &end);
    return *end == '\0' && errno != ERANGE && !std::isnan(score);
}

// Computes every element's sort key; false if a numeric key is not a number (Redis still
// finishes the loop and answers the error afterwards).
bool load_sort_keys(CommandContext& c, const SortOptions& o, std::vector<SortItem>& items) {
    bool all_numbers = true;
    for (SortItem& item : items) {
        char scratch[24];
        std::optional<std::string_view> by_value = item.element;
        if (o.by) by_value = lookup_by_pattern(c, *o.by, item.element, scratch);
        if (!by_value) continue;   // sorts as score 0 / a missing ALPHA key
        if (o.alpha) {
            if (o.by) item.by_value = std::string(*by_value);
        } else if (!parse_score(*by_value, item.score)) {
            all_numbers = false;
        }
    }
    return all_numbers;
}

// strcoll, as Redis compares ALPHA results it returns (not stored ones): byte order in the
// C locale this server runs in, and like Redis it stops at an embedded NUL.
int collate(const std::string& a, const std::string& b) { return std::strcoll(a.c_str(), b.c_str()); }

int binary_compare(std::string_view a, std::string_view b) { return a.compare(b); }

// Redis's sortCompare, before DESC is applied.
int compare_items(const SortItem& a, const SortItem& b, const SortOptions& o) {
    if (!o.alpha) {
        if (a.score != b.score) return a.score < b.score ? -1 : 1;
        return binary_compare(a.element, b.element);   // a deterministic tie-break
    }
    if (o.by) {
        if (!a.by_value || !b.by_value) return a.by_value ? 1 : (b.by_value ? -1 : 0);
        return o.store ? binary_compare(*a.by_value, *b.by_value) : collate(*a.by_value, *b.by_value);
    }
    return o.store ? binary_compare(a.element, b.element) : collate(a.element, b.element);
}

void sort_items(std::vector<SortItem>& items, const SortOptions& o) {
    std::stable_sort(items.begin(), items.end(), [&](const SortItem& a, const SortItem& b) {
        const int cmp = compare_items(a, b, o);
        return o.desc ? cmp > 0 : cmp < 0;
    });
}

// --- output ---------------------------------------------------------------------------------

void reply_sorted(CommandContext& c, const SortOptions& o, const std::vector<SortItem>& items,
                  Range range, std::size_t output_len) {
    c.out.array(output_len);
    for (std::int64_t j = range.start; j <= range.end; ++j) {
        const std::string& element = items[static_cast<std::size_t>(j)].element;
        if (o.gets.empty()) c.out.bulk(element);
        for (std::string_view pattern : o.gets) {
            char scratch[24];
            auto v = lookup_by_pattern(c, pattern, element, scratch);
            if (v) c.out.bulk(*v);
            else c.out.null();
        }
    }
}

// STORE writes a list (GET misses become empty strings); an empty result deletes the key.
void store_sorted(CommandContext& c, const SortOptions& o, const std::vector<SortItem>& items,
                  Range range, std::size_t output_len) {
    ListValue list;
    for (std::int64_t j = range.start; j <= range.end; ++j) {
        const std::string& element = items[static_cast<std::size_t>(j)].element;
        if (o.gets.empty()) list.push_back(element);
        for (std::string_view pattern : o.gets) {
            char scratch[24];
            list.push_back(lookup_by_pattern(c, pattern, element, scratch).value_or(std::string_view()));
        }
    }
    if (output_len > 0) {
        c.overwrite(*o.store, Value(std::move(list)));
        notify(c, kev::kList, "sortstore", *o.store);
    } else if (c.erase(*o.store)) {
        notify(c, kev::kGeneric, "del", *o.store);
    }
    c.out.integer(static_cast<std::int64_t>(output_len));
}

// Loads the elements of the value at the sort key (nothing for a missing key) and applies
// the cases where Redis takes them in their stored order; `range` is the LIMIT slice.
bool load_elements(CommandContext& c, const Value* value, SortOptions& o, Range& range,
                   std::vector<SortItem>& items) {
    const std::size_t len = value ? std::visit([](const auto& v) { return v.size(); }, *value) : 0;
    range = clamp_limit(o, static_cast<std::int64_t>(len));
    if (!value) return true;
    if (const auto* set = std::get_if<SetValue>(value)) {
        // A set has no order of its own: a stored result is sorted ALPHA so that it is the
        // same on every replica (Redis does this for STORE and for scripts).
        if (o.dontsort && o.store) {
            o.dontsort = false;
            o.alpha = true;
            o.by.reset();
        }
        load_set(*set, items);
        return true;
    }
    if (const auto* list = std::get_if<ListValue>(value)) {
        if (o.dontsort) load_list_range(*list, o.desc, range, items);
        else load_list(*list, items);
        return true;
    }
    if (const auto* zset = std::get_if<ZSetValue>(value)) {
        if (o.dontsort) load_zset_range(*zset, o.desc, range, items);
        else load_zset(*zset, items);
        return true;
    }
    c.out.error(errors::kWrongType);
    return false;
}

void sort_generic(CommandContext& c, bool readonly) {
    SortOptions o;
    if (!parse_sort_options(c, readonly, o)) return;
    Entry* e = c.find_read(c.arg(1));
    // Redis converts the sorted set it sorts to a skiplist for good, once the options parsed,
    // even when sorting fails later ("One or more scores can't be converted into double").
    if (auto* zset = e ? std::get_if<ZSetValue>(&e->value) : nullptr) zset->convert_to_skiplist();
    Range range{};
    std::vector<SortItem> items;
    if (!load_elements(c, e ? &e->value : nullptr, o, range, items)) return;
    if (!o.dontsort) {
        if (!load_sort_keys(c, o, items)) {
            c.out.error("ERR One or more scores can't be converted into double");
            return;
        }
        sort_items(items, o);
    }
    const auto per_element = std::max<std::size_t>(o.gets.size(), 1);
    const auto output_len = static_cast<std::size_t>(std::max<std::int64_t>(range.end - range.start + 1, 0)) * per_element;
    if (o.store) store_sorted(c, o, items, range, output_len);
    else reply_sorted(c, o, items, range, output_len);
}

void sort_command(CommandContext& c) { sort_generic(c, false); }
void sort_ro_command(CommandContext& c) { sort_generic(c, true); }

// SORT's keys as Redis's sortGetKeys finds them: the sorted key and the STORE destination.
void sort_keys(std::span<const std::string_view> args, std::vector<std::size_t>& positions) {
    positions.push_back(1);
    std::size_t store = 0;   // only the last STORE counts, as in SORT itself
    for (std::size_t j = 2; j < args.size(); ++j) {
        if (option_is(args[j], "limit")) j += 2;
        else if (option_is(args[j], "get") || option_is(args[j], "by")) j += 1;
        else if (option_is(args[j], "store") && j + 1 < args.size()) store = j + 1;
    }
    if (store) positions.push_back(store);
}

// BY and GET patterns name keys that only the data reveals, and STORE may write to any
// shard: SORT locks every shard (kAllShards). COMMAND INFO still shows Redis's flags, as
// flag_names() has no name for kAllShards.
const CommandSpec kSortCommands[] = {
    {"sort", -2, kWrite | kDenyOom | kAllShards | kDestLast | kKeysReadOnly, {1, 1, 1}, sort_command, "generic", "1.0.0",
     "Sort the elements in a list, set or sorted set",
     "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
     "number of returned elements. When the elements are not sorted, complexity is O(N).",
     {}, sort_keys},
    {"sort_ro", -2, kReadonly | kAllShards, {1, 1, 1}, sort_ro_command, "generic", "7.0.0",
     "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
     "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
     "number of returned elements. When the elements are not sorted, complexity is O(N)."},
};

}  // namespace

std::span<const CommandSpec> sort_commands() { return kSortCommands; }

}  // namespace corokv
