// List commands (Redis's t_list.c), including the blocking ones. A blocking handler either
// serves at once, exactly like its non-blocking twin, or calls block_on() and replies
// nothing: the dispatcher runs the whole command again when one of its keys gets data.
#include <algorithm>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "commands/blocking.hpp"
#include "commands/command_table.hpp"
#include "commands/keyspace_events.hpp"
#include "commands/numbers.hpp"

namespace corokv {
namespace {

enum class End : std::uint8_t { head, tail };

// The list at `key` for reading; nullptr if missing (replied = false) or of another type
// (replied = true, WRONGTYPE sent).
ListValue* list_for_read(CommandContext& c, std::string_view key, bool& replied) {
    return existing_or_reply<ListValue>(c, c.find_read(key), replied);
}

// The same for commands that change the list (no hit/miss counting, as Redis's
// lookupKeyWrite).
ListValue* list_for_write(CommandContext& c, std::string_view key, bool& replied) {
    return existing_or_reply<ListValue>(c, c.find(key), replied);
}

// Redis never keeps an empty list: the last pop or removal deletes the key.
void drop_if_empty(CommandContext& c, std::string_view key, const ListValue& l) {
    if (l.empty()) delete_emptied(c, key);
}

std::string_view push_event(End end) { return end == End::head ? "lpush" : "rpush"; }

// After elements were taken from `end`: "lpop"/"rpop", then "del" if that emptied the list.
void notify_popped(CommandContext& c, std::string_view key, const ListValue& l, End end) {
    notify(c, kev::kList, end == End::head ? "lpop" : "rpop", key);
    drop_if_empty(c, key, l);
}

// "LEFT"/"RIGHT" as LMOVE, BLMOVE and LMPOP spell the ends.
bool end_arg_or_reply(CommandContext& c, std::string_view arg, End& end) {
    if (option_is(arg, "left")) end = End::head;
    else if (option_is(arg, "right")) end = End::tail;
    else {
        c.out.error(errors::kSyntax);
        return false;
    }
    return true;
}

// Redis's getRangeLongFromObjectOrReply(1, LONG_MAX, msg): any bad input gets `message`.
bool positive_arg_or_reply(CommandContext& c, std::string_view arg, std::string_view message,
                           std::int64_t min, std::int64_t& out) {
    auto v = parse_int(arg);
    if (!v || *v < min) {
        c.out.error(message);
        return false;
    }
    out = *v;
    return true;
}

void push(ListValue& l, End end, std::string_view element) {
    if (end == End::head) l.push_front(element);
    else l.push_back(element);
}

// Replies the element at `end` and removes it (the view dies with the pop, so reply first).
void reply_and_pop(CommandContext& c, ListValue& l, End end) {
    ListScratch scratch;
    if (end == End::head) {
        c.out.bulk(l.front(scratch));
        l.pop_front();
    } else {
        c.out.bulk(l.back(scratch));
        l.pop_back();
    }
}

std::string pop_copy(ListValue& l, End end) {
    ListScratch scratch;
    std::string element(end == End::head ? l.front(scratch) : l.back(scratch));
    if (end == End::head) l.pop_front();
    else l.pop_back();
    return element;
}

// Up to `count` elements from one end, as an array (LPOP with count, LMPOP).
void reply_and_pop_many(CommandContext& c, ListValue& l, End end, std::int64_t count) {
    const std::size_t n = std::min(static_cast<std::uint64_t>(count), static_cast<std::uint64_t>(l.size()));
    c.out.array(n);
    for (std::size_t i = 0; i < n; ++i) reply_and_pop(c, l, end);
}

// --- push ------------------------------------------------------------------------------------

void push_generic(CommandContext& c, End end, bool only_existing) {
    const std::string_view key = c.arg(1);
    ListValue* l = nullptr;
    if (only_existing) {
        bool replied = false;
        l = list_for_write(c, key, replied);
        if (!l) {
            if (!replied) c.out.integer(0);
            c.log_nothing();
            return;
        }
    } else {
        auto [e, created] = c.find_or_create(key);
        if (created) e->value = ListValue{};
        l = typed_or_reply<ListValue>(c, e);
        if (!l) return;
    }
    for (std::size_t i = 2; i < c.argc(); ++i) push(*l, end, c.arg(i));
    c.out.integer(static_cast<std::int64_t>(l->size()));
    notify(c, kev::kList, push_event(end), key);  // after the reply, as Redis
}

void lpush_command(CommandContext& c) { push_generic(c, End::head, false); }
void rpush_command(CommandContext& c) { push_generic(c, End::tail, false); }
void lpushx_command(CommandContext& c) { push_generic(c, End::head, true); }
void rpushx_command(CommandContext& c) { push_generic(c, End::tail, true); }

// --- pop -------------------------------------------------------------------------------------

void pop_generic(CommandContext& c, End end) {
    if (c.argc() > 3) {
        reply_wrong_arity(c.out, c.spec->name);
        return;
    }
    const bool has_count = c.argc() == 3;
    std::int64_t count = 1;
    if (has_count && !positive_arg_or_reply(c, c.arg(2), "ERR value is out of range, must be positive", 0, count))
        return;
    const std::string_view key = c.arg(1);
    bool replied = false;
    ListValue* l = list_for_write(c, key, replied);
    if (replied) return;
    if (!l) {
        // With a count the "nothing" reply is a null array (RESP3: both are `_`).
        if (has_count) c.out.null_array();
        else c.out.null();
        c.log_nothing();
        return;
    }
    if (has_count) reply_and_pop_many(c, *l, end, count);
    else reply_and_pop(c, *l, end);
    if (count > 0) notify_popped(c, key, *l, end);
}

void lpop_command(CommandContext& c) { pop_generic(c, End::head); }
void rpop_command(CommandContext& c) { pop_generic(c, End::tail); }

// --- reads -----------------------------------------------------------------------------------

void llen_command(CommandContext& c) {
    bool replied = false;
    ListValue* l = list_for_read(c, c.arg(1), replied);
    if (!replied) c.out.integer(l ? static_cast<std::int64_t>(l->size()) : 0);
}

// Redis's index convention: negative counts from the end; nullopt when outside the list.
std::optional<std::size_t> element_index(std::int64_t index, std::size_t size) {
    const auto len = static_cast<std::int64_t>(size);
    if (index < 0) index += len;
    if (index < 0 || index >= len) return std::nullopt;
    return static_cast<std::size_t>(index);
}

// LRANGE's and LTRIM's [start, stop] clamped to the list: first and count (0 = empty).
struct Span {
    std::size_t first = 0;
    std::size_t count = 0;
};
Span clamp_range(std::int64_t start, std::int64_t stop, std::size_t size) {
    const auto len = static_cast<std::int64_t>(size);
    if (start < 0) start += len;
    if (stop < 0) stop += len;
    if (start < 0) start = 0;
    if (start > stop || start >= len) return {};
    if (stop >= len) stop = len - 1;
    return {static_cast<std::size_t>(start), static_cast<std::size_t>(stop - start + 1)};
}

void lrange_command(CommandContext& c) {
    std::int64_t start = 0, stop = 0;
    if (!int_arg_or_reply(c, c.arg(2), start) || !int_arg_or_reply(c, c.arg(3), stop)) return;
    bool replied = false;
    ListValue* l = list_for_read(c, c.arg(1), replied);
    if (replied) return;
    const Span span = l ? clamp_range(start, stop, l->size()) : Span{};
    c.out.array(span.count);
    if (span.count) l->for_each(span.first, span.count, [&](std::string_view element) { c.out.bulk(element); });
}

void lindex_command(CommandContext& c) {
    bool replied = false;
    ListValue* l = list_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!l) {
        c.out.null();
        return;
    }
    std::int64_t index = 0;
    if (!int_arg_or_reply(c, c.arg(2), index)) return;
    const auto at = element_index(index, l->size());
    if (!at) {
        c.out.null();
        return;
    }
    ListScratch scratch;
    c.out.bulk(l->at(*at, scratch));
}

// --- changes in the middle -------------------------------------------------------------------

void lset_command(CommandContext& c) {
    bool replied = false;
    ListValue* l = list_for_write(c, c.arg(1), replied);
    if (replied) return;
    if (!l) {
        c.out.error(errors::kNoSuchKey);
        return;
    }
    std::int64_t index = 0;
    if (!int_arg_or_reply(c, c.arg(2), index)) return;
    const auto at = element_index(index, l->size());
    if (!at) {
        c.out.error("ERR index out of range");
        return;
    }
    l->set(*at, c.arg(3));
    c.out.ok();
    notify(c, kev::kList, "lset", c.arg(1));
}

void lrem_command(CommandContext& c) {
    std::int64_t count = 0;
    if (!int_arg_or_reply(c, c.arg(2), count)) return;
    bool replied = false;
    ListValue* l = list_for_write(c, c.arg(1), replied);
    if (replied) return;
    if (!l) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    const std::size_t removed = l->remove(c.arg(3), count);
    finish_removal(c, kev::kList, "lrem", static_cast<std::int64_t>(removed), l->empty());
}

void ltrim_command(CommandContext& c) {
    std::int64_t start = 0, stop = 0;
    if (!int_arg_or_reply(c, c.arg(2), start) || !int_arg_or_reply(c, c.arg(3), stop)) return;
    bool replied = false;
    ListValue* l = list_for_write(c, c.arg(1), replied);
    if (replied) return;
    if (l) {
        const Span keep = clamp_range(start, stop, l->size());
        l->trim(keep.first, keep.count);
        notify(c, kev::kList, "ltrim", c.arg(1));  // even when nothing was cut, as Redis
        drop_if_empty(c, c.arg(1), *l);
    }
    c.out.ok();
}

void linsert_command(CommandContext& c) {
    bool after = false;
    if (option_is(c.arg(2), "after")) after = true;
    else if (!option_is(c.arg(2), "before")) {
        c.out.error(errors::kSyntax);
        return;
    }
    bool replied = false;
    ListValue* l = list_for_write(c, c.arg(1), replied);
    if (replied) return;
    if (!l) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    const ListNeedle pivot(c.arg(3));
    for (auto it = l->cursor(0); it.valid(); it.next()) {
        if (!it.matches(pivot)) continue;
        l->insert(it.index() + (after ? 1 : 0), c.arg(4));
        notify(c, kev::kList, "linsert", c.arg(1));
        c.out.integer(static_cast<std::int64_t>(l->size()));
        return;
    }
    c.out.integer(-1);
    c.log_nothing();
}

// --- LPOS ------------------------------------------------------------------------------------

struct LposOptions {
    std::int64_t rank = 1;
    std::int64_t count = -1;   // -1: no COUNT, reply one index instead of an array
    std::int64_t maxlen = 0;   // 0: scan the whole list
};

bool lpos_options_or_reply(CommandContext& c, LposOptions& o) {
    for (std::size_t j = 3; j < c.argc(); ++j) {
        const std::string_view opt = c.arg(j);
        const bool more = j + 1 < c.argc();
        if (more && option_is(opt, "rank")) {
            if (!int_arg_or_reply(c, c.arg(++j), o.rank)) return false;
            if (o.rank == 0) {
                c.out.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                            "second ... or use negative to start from the end of the list");
                return false;
            }
        } else if (more && option_is(opt, "count")) {
            if (!positive_arg_or_reply(c, c.arg(++j), "ERR COUNT can't be negative", 0, o.count)) return false;
        } else if (more && option_is(opt, "maxlen")) {
            if (!positive_arg_or_reply(c, c.arg(++j), "ERR MAXLEN can't be negative", 0, o.maxlen)) return false;
        } else {
            c.out.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

// Wrapping int64 arithmetic: Redis negates RANK and computes `matches - rank + 1` in C
// longs, and RANK -9223372036854775808 relies on the wrap-around (it matches from the tail
// and never stops at COUNT). Doing the same keeps the replies identical.
std::int64_t wrapping(std::uint64_t v) { return static_cast<std::int64_t>(v); }

void lpos_command(CommandContext& c) {
    LposOptions o;
    if (!lpos_options_or_reply(c, o)) return;
    const bool from_tail = o.rank < 0;
    const std::int64_t rank = from_tail ? wrapping(0 - static_cast<std::uint64_t>(o.rank)) : o.rank;
    bool replied = false;
    ListValue* l = list_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!l) {
        if (o.count != -1) c.out.array(0);
        else c.out.null();
        return;
    }
    const ListNeedle needle(c.arg(2));
    std::vector<std::int64_t> found;
    std::int64_t matches = 0;
    std::int64_t scanned = 0;
    for (auto it = l->cursor(from_tail ? l->size() - 1 : 0);
         it.valid() && (o.maxlen == 0 || scanned < o.maxlen); from_tail ? it.prev() : it.next(), ++scanned) {
        if (!it.matches(needle)) continue;
        ++matches;
        if (matches < rank) continue;
        found.push_back(static_cast<std::int64_t>(it.index()));
        if (o.count == -1) break;
        const std::int64_t taken = wrapping(static_cast<std::uint64_t>(matches) - static_cast<std::uint64_t>(rank) + 1);
        if (o.count != 0 && taken >= o.count) break;
    }
    if (o.count != -1) {
        c.out.array(found.size());
        for (std::int64_t index : found) c.out.integer(index);
    } else if (found.empty()) {
        c.out.null();
    } else {
        c.out.integer(found.front());
    }
}

// --- moving between lists --------------------------------------------------------------------

// LMOVE's work once the ends are parsed: pops from `source` and pushes onto `destination`
// (they may be the same list), replying the element.
void move_element(CommandContext& c, std::string_view source, std::string_view destination, End from, End to) {
    bool replied = false;
    ListValue* src = list_for_write(c, source, replied);
    if (replied) return;
    if (!src) {
        c.out.null();
        c.log_nothing();
        return;
    }
    // Redis checks the destination's type before taking anything from the source.
    Entry* dst_entry = c.find(destination);
    if (dst_entry && !std::holds_alternative<ListValue>(dst_entry->value)) {
        c.out.error(errors::kWrongType);
        return;
    }
    const std::string element = pop_copy(*src, from);
    if (!dst_entry) {
        dst_entry = c.find_or_create(destination).first;
        dst_entry->value = ListValue{};
    }
    push(std::get<ListValue>(dst_entry->value), to, element);
    notify(c, kev::kList, push_event(to), destination);
    c.out.bulk(element);
    notify_popped(c, source, *src, from);
}

void lmove_command(CommandContext& c) {
    End from{}, to{};
    if (!end_arg_or_reply(c, c.arg(3), from) || !end_arg_or_reply(c, c.arg(4), to)) return;
    move_element(c, c.arg(1), c.arg(2), from, to);
}

void rpoplpush_command(CommandContext& c) { move_element(c, c.arg(1), c.arg(2), End::tail, End::head); }

// --- LMPOP -----------------------------------------------------------------------------------

// LMPOP/BLMPOP arguments: numkeys at `numkeys_at`, then the keys, LEFT|RIGHT, [COUNT n].
struct MpopArgs {
    std::span<const std::string_view> keys;
    End end = End::head;
    std::int64_t count = 1;
};

bool mpop_args_or_reply(CommandContext& c, std::size_t numkeys_at, MpopArgs& m) {
    std::int64_t numkeys = 0;
    if (!positive_arg_or_reply(c, c.arg(numkeys_at), "ERR numkeys should be greater than 0", 1, numkeys))
        return false;
    const std::size_t after_numkeys = c.argc() - numkeys_at - 1;
    if (static_cast<std::uint64_t>(numkeys) >= after_numkeys) {
        c.out.error(errors::kSyntax);
        return false;
    }
    const std::size_t end_at = numkeys_at + 1 + static_cast<std::size_t>(numkeys);
    m.keys = c.args.subspan(numkeys_at + 1, static_cast<std::size_t>(numkeys));
    if (!end_arg_or_reply(c, c.arg(end_at), m.end)) return false;
    bool has_count = false;
    for (std::size_t j = end_at + 1; j < c.argc(); ++j) {
        if (!has_count && option_is(c.arg(j), "count") && j + 1 < c.argc()) {
            if (!positive_arg_or_reply(c, c.arg(++j), "ERR count should be greater than 0", 1, m.count)) return false;
            has_count = true;
        } else {
            c.out.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

// Pops from the first non-empty list among the keys. Returns false, having replied nothing,
// when every key is missing; true once it replied (elements or WRONGTYPE).
bool serve_mpop(CommandContext& c, const MpopArgs& m) {
    for (std::string_view key : m.keys) {
        bool replied = false;
        ListValue* l = list_for_write(c, key, replied);
        if (replied) return true;
        if (!l) continue;
        c.out.array(2);
        c.out.bulk(key);
        reply_and_pop_many(c, *l, m.end, m.count);
        notify_popped(c, key, *l, m.end);
        // The key it popped from and how many, so BLMPOP replays without blocking (Redis logs
        // LMPOP and BLMPOP the same way).
        char count[24];
        c.log_as({m.end == End::head ? "LPOP" : "RPOP", key, format_int64(m.count, count)});
        return true;
    }
    return false;
}

void lmpop_command(CommandContext& c) {
    MpopArgs m;
    if (!mpop_args_or_reply(c, 1, m)) return;
    if (serve_mpop(c, m)) return;
    c.out.null_array();
    c.log_nothing();
}

// --- blocking --------------------------------------------------------------------------------

// BLPOP/BRPOP: [key, element] from the first non-empty key, or wait for one.
void blocking_pop_generic(CommandContext& c, End end) {
    std::int64_t deadline = 0;
    if (!timeout_arg_or_reply(c, c.arg(c.argc() - 1), deadline)) return;
    const auto keys = c.args.subspan(1, c.argc() - 2);
    for (std::string_view key : keys) {
        bool replied = false;
        ListValue* l = list_for_write(c, key, replied);
        if (replied) return;
        if (!l) continue;
        c.out.array(2);
        c.out.bulk(key);
        reply_and_pop(c, *l, end);
        notify_popped(c, key, *l, end);
        c.log_as({end == End::head ? "LPOP" : "RPOP", key});  // what it did, without blocking
        return;
    }
    c.block_on(keys, deadline, TimeoutReply::null_array);
}

void blpop_command(CommandContext& c) { blocking_pop_generic(c, End::head); }
void brpop_command(CommandContext& c) { blocking_pop_generic(c, End::tail); }

// BLMOVE/BRPOPLPUSH. Redis 7.0 answers a timeout with a null array (*-1), not a null bulk
// string, for these two as well; inside MULTI, where they cannot block, a null bulk.
void blocking_move(CommandContext& c, std::string_view timeout, End from, End to) {
    std::int64_t deadline = 0;
    if (!timeout_arg_or_reply(c, timeout, deadline)) return;
    bool replied = false;
    ListValue* src = list_for_write(c, c.arg(1), replied);
    if (replied) return;
    if (!src) {
        c.block_on(c.args.subspan(1, 1), deadline, TimeoutReply::null_array, TimeoutReply::null_bulk);
        return;
    }
    const std::size_t mark = c.out.buffer().size();
    move_element(c, c.arg(1), c.arg(2), from, to);
    // Logged as the non-blocking LMOVE (a WRONGTYPE destination changed nothing).
    if (!c.replied_error_since(mark))
        c.log_as({"LMOVE", c.arg(1), c.arg(2), from == End::head ? "LEFT" : "RIGHT", to == End::head ? "LEFT" : "RIGHT"});
}

void blmove_command(CommandContext& c) {
    End from{}, to{};
    if (!end_arg_or_reply(c, c.arg(3), from) || !end_arg_or_reply(c, c.arg(4), to)) return;
    blocking_move(c, c.arg(5), from, to);
}

void brpoplpush_command(CommandContext& c) { blocking_move(c, c.arg(3), End::tail, End::head); }

void blmpop_command(CommandContext& c) {
    MpopArgs m;
    if (!mpop_args_or_reply(c, 2, m)) return;
    std::int64_t deadline = 0;
    if (!timeout_arg_or_reply(c, c.arg(1), deadline)) return;
    if (!serve_mpop(c, m)) c.block_on(m.keys, deadline, TimeoutReply::null_array);
}

// --- key positions for the numkeys commands --------------------------------------------------

// The keys follow a numkeys argument at `numkeys_at`; nothing when numkeys is not valid
// (the handler then replies the error).
void numkeys_positions(std::span<const std::string_view> args, std::size_t numkeys_at,
                       std::vector<std::size_t>& positions) {
    if (numkeys_at >= args.size()) return;
    const auto numkeys = parse_int(args[numkeys_at]);
    if (!numkeys || *numkeys < 1) return;
    const std::size_t available = args.size() - numkeys_at - 1;
    const std::size_t n = std::min(static_cast<std::uint64_t>(*numkeys), static_cast<std::uint64_t>(available));
    for (std::size_t i = 0; i < n; ++i) positions.push_back(numkeys_at + 1 + i);
}

void lmpop_keys(std::span<const std::string_view> args, std::vector<std::size_t>& positions) {
    numkeys_positions(args, 1, positions);
}

void blmpop_keys(std::span<const std::string_view> args, std::vector<std::size_t>& positions) {
    numkeys_positions(args, 2, positions);
}

// --- the table -------------------------------------------------------------------------------

constexpr KeyRange kFirstKey{1, 1, 1};
constexpr KeyRange kTwoKeys{1, 2, 1};
constexpr KeyRange kAllButLast{1, -2, 1};
constexpr KeyRange kMovableKeys{0, 0, 0};
constexpr std::string_view kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";
constexpr std::string_view kMpopComplexity =
    "O(N+M) where N is the number of provided keys and M is the number of elements returned.";

// Flags as COMMAND INFO shows them on Redis 7.0.15, except "blocking", which corokv's flag
// set does not have yet ("movablekeys" follows from find_keys).
const CommandSpec kListCommands[] = {
    {"lpush", -3, kWrite | kDenyOom | kFast | kKeysWriteOnly, kFirstKey, lpush_command, "list", "1.0.0",
     "Prepend one or multiple elements to a list", kPushComplexity},
    {"rpush", -3, kWrite | kDenyOom | kFast | kKeysWriteOnly, kFirstKey, rpush_command, "list", "1.0.0",
     "Append one or multiple elements to a list", kPushComplexity},
    {"lpushx", -3, kWrite | kDenyOom | kFast | kKeysWriteOnly, kFirstKey, lpushx_command, "list", "2.2.0",
     "Prepend an element to a list, only if the list exists", kPushComplexity},
    {"rpushx", -3, kWrite | kDenyOom | kFast | kKeysWriteOnly, kFirstKey, rpushx_command, "list", "2.2.0",
     "Append an element to a list, only if the list exists", kPushComplexity},
    {"lpop", -2, kWrite | kFast, kFirstKey, lpop_command, "list", "1.0.0",
     "Remove and get the first elements in a list", "O(N) where N is the number of elements returned"},
    {"rpop", -2, kWrite | kFast, kFirstKey, rpop_command, "list", "1.0.0",
     "Remove and get the last elements in a list", "O(N) where N is the number of elements returned"},
    {"llen", 2, kReadonly | kFast | kKeysBlind, kFirstKey, llen_command, "list", "1.0.0", "Get the length of a list", "O(1)"},
    {"lrange", 4, kReadonly, kFirstKey, lrange_command, "list", "1.0.0", "Get a range of elements from a list",
     "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or "
     "TAIL) for large lists; and N is the number of elements in the specified range."},
    {"lindex", 3, kReadonly, kFirstKey, lindex_command, "list", "1.0.0", "Get an element from a list by its index",
     "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking "
     "for the first or the last element of the list O(1)."},
    {"lset", 4, kWrite | kDenyOom | kKeysWriteOnly, kFirstKey, lset_command, "list", "1.0.0",
     "Set the value of an element in a list by its index",
     "O(N) where N is the length of the list. Setting either the first or the last element of the list is "
     "O(1)."},
    {"lrem", 4, kWrite | kKeysWriteOnly, kFirstKey, lrem_command, "list", "1.0.0", "Remove elements from a list",
     "O(N+M) where N is the length of the list and M is the number of elements removed."},
    {"ltrim", 4, kWrite | kKeysWriteOnly, kFirstKey, ltrim_command, "list", "1.0.0", "Trim a list to the specified range",
     "O(N) where N is the number of elements to be removed by the operation."},
    {"linsert", 5, kWrite | kDenyOom | kKeysWriteOnly, kFirstKey, linsert_command, "list", "2.2.0",
     "Insert an element before or after another element in a list",
     "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that "
     "inserting somewhere on the left end on the list (head) can be considered O(1) and inserting "
     "somewhere on the right end (tail) is O(N)."},
    {"lpos", -3, kReadonly, kFirstKey, lpos_command, "list", "6.0.6", "Return the index of matching elements on a list",
     "O(N) where N is the number of elements in the list, for the average case. When searching for "
     "elements near the head or the tail of the list, or when the MAXLEN option is provided, the command "
     "may run in constant time."},
    {"lmove", 5, kWrite | kDenyOom | kDestLast, kTwoKeys, lmove_command, "list", "6.2.0",
     "Pop an element from a list, push it to another list and return it", "O(1)"},
    {"rpoplpush", 3, kWrite | kDenyOom | kDestLast, kTwoKeys, rpoplpush_command, "list", "1.2.0",
     "Remove the last element in a list, prepend it to another list and return it", "O(1)"},
    {"lmpop", -4, kWrite, kMovableKeys, lmpop_command, "list", "7.0.0", "Pop elements from a list",
     kMpopComplexity, {}, lmpop_keys},
    {"blpop", -3, kWrite | kNoscript | kBlocking, kAllButLast, blpop_command, "list", "2.0.0",
     "Remove and get the first element in a list, or block until one is available",
     "O(N) where N is the number of provided keys."},
    {"brpop", -3, kWrite | kNoscript | kBlocking, kAllButLast, brpop_command, "list", "2.0.0",
     "Remove and get the last element in a list, or block until one is available",
     "O(N) where N is the number of provided keys."},
    {"blmove", 6, kWrite | kDenyOom | kNoscript | kBlocking | kDestLast, kTwoKeys, blmove_command, "list", "6.2.0",
     "Pop an element from a list, push it to another list and return it; or block until one is available",
     "O(1)"},
    {"brpoplpush", 4, kWrite | kDenyOom | kNoscript | kBlocking | kDestLast, kTwoKeys, brpoplpush_command, "list", "2.2.0",
     "Pop an element from a list, push it to another list and return it; or block until one is available",
     "O(1)"},
    {"blmpop", -5, kWrite | kBlocking, kMovableKeys, blmpop_command, "list", "7.0.0",
     "Pop elements from a list, or block until one is available", kMpopComplexity, {}, blmpop_keys},
};

}  // namespace

std::span<const CommandSpec> list_commands() { return kListCommands; }

}  // namespace corokv
