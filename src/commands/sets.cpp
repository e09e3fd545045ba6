// Set commands (Redis 7.0's t_set.c).
#include <algorithm>
#include <random>
#include <vector>

#include "commands/command_table.hpp"
#include "commands/keyspace_events.hpp"
#include "commands/numbers.hpp"
#include "commands/scan.hpp"
#include "store/glob.hpp"

namespace corokv {
namespace {

std::mt19937_64& rng() {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return gen;
}

// Every member of a set as views that stay valid while the set is unchanged (intset
// members are formatted into `digits`).
struct MemberList {
    std::vector<std::string_view> views;
    std::vector<SetValue::Digits> digits;

    explicit MemberList(const SetValue& s) { s.collect(views, digits); }
};

// The set at `key` for reading; nullptr if missing (replied = false) or of another type
// (replied = true, WRONGTYPE sent).
SetValue* set_for_read(CommandContext& c, std::string_view key, bool& replied) {
    return existing_or_reply<SetValue>(c, c.find_read(key), replied);
}

// The set at `key` for a write that removes members; nullptr as set_for_read.
SetValue* set_for_removal(CommandContext& c, std::string_view key, bool& replied) {
    return existing_or_reply<SetValue>(c, c.find(key), replied);
}

// Redis never keeps an empty set: the key goes with its last member.
void drop_if_empty(CommandContext& c, std::string_view key, const SetValue& s) {
    if (s.empty()) delete_emptied(c, key);
}

void reply_members_as_set(CommandContext& c, const SetValue& s) {
    c.out.set(s.size());
    s.for_each([&](std::string_view m) { c.out.bulk(m); });
}

// --- single-set commands --------------------------------------------------------------------

void sadd_command(CommandContext& c) {
    auto [e, created] = c.find_or_create(c.arg(1));
    if (created) e->value = SetValue::for_first_member(c.arg(2));
    auto* s = typed_or_reply<SetValue>(c, e);
    if (!s) return;
    std::int64_t added = 0;
    for (std::size_t i = 2; i < c.argc(); ++i) added += s->add(c.arg(i));
    if (added == 0) c.log_nothing();
    else notify(c, kev::kSet, "sadd", c.arg(1));
    c.out.integer(added);
}

void srem_command(CommandContext& c) {
    bool replied = false;
    SetValue* s = set_for_removal(c, c.arg(1), replied);
    if (replied) return;
    std::int64_t removed = 0;
    for (std::size_t i = 2; s && i < c.argc() && !s->empty(); ++i) removed += s->remove(c.arg(i));
    finish_removal(c, kev::kSet, "srem", removed, removed > 0 && s->empty());
}

void sismember_command(CommandContext& c) {
    bool replied = false;
    SetValue* s = set_for_read(c, c.arg(1), replied);
    if (!replied) c.out.integer(s && s->contains(c.arg(2)) ? 1 : 0);
}

void smismember_command(CommandContext& c) {
    bool replied = false;
    SetValue* s = set_for_read(c, c.arg(1), replied);
    if (replied) return;
    c.out.array(c.argc() - 2);
    for (std::size_t i = 2; i < c.argc(); ++i) c.out.integer(s && s->contains(c.arg(i)) ? 1 : 0);
}

void scard_command(CommandContext& c) {
    bool replied = false;
    SetValue* s = set_for_read(c, c.arg(1), replied);
    if (!replied) c.out.integer(s ? static_cast<std::int64_t>(s->size()) : 0);
}

void smove_command(CommandContext& c) {
    const std::string_view src_key = c.arg(1), dst_key = c.arg(2), member = c.arg(3);
    Entry* src_entry = c.find(src_key);
    Entry* dst_entry = c.find(dst_key);
    if (!src_entry) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    SetValue* src = typed_or_reply<SetValue>(c, src_entry);
    if (!src) return;
    SetValue* dst = dst_entry ? typed_or_reply<SetValue>(c, dst_entry) : nullptr;
    if (dst_entry && !dst) return;
    if (src == dst) {
        c.out.integer(src->contains(member) ? 1 : 0);
        c.log_nothing();
        return;
    }
    if (!src->remove(member)) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    notify(c, kev::kSet, "srem", src_key);
    drop_if_empty(c, src_key, *src);
    if (!dst) {
        Entry* created = c.find_or_create(dst_key).first;
        created->value = SetValue::for_first_member(member);
        dst = &std::get<SetValue>(created->value);
    }
    if (dst->add(member)) notify(c, kev::kSet, "sadd", dst_key);
    c.out.integer(1);
}

enum class SetOp { inter, uni, diff };

// Redis builds unions and differences into a fresh set that starts as an intset and
// replies by iterating it: all-integer results come back sorted.
SetValue union_or_diff(const std::vector<const SetValue*>& sets, SetOp op) {
    SetValue result;
    if (op == SetOp::uni) {
        for (const SetValue* s : sets)
            if (s) s->for_each([&](std::string_view m) { result.add(m); });
        return result;
    }
    if (!sets.front()) return result;
    sets.front()->for_each([&](std::string_view m) {
        for (std::size_t j = 1; j < sets.size(); ++j)
            if (sets[j] && (sets[j] == sets.front() || sets[j]->contains(m))) return;
        result.add(m);
    });
    return result;
}

// --- SPOP / SRANDMEMBER ---------------------------------------------------------------------

// Redis's SPOP_MOVE_STRATEGY_MUL: popping more than this many times what stays behind
// rebuilds the set from the survivors instead of removing members one by one.
constexpr std::size_t kSpopRebuildFactor = 5;

// Moves a random sample of `count` views to the front of `views` (partial Fisher-Yates).
void sample_to_front(std::vector<std::string_view>& views, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        std::uniform_int_distribution<std::size_t> pick(i, views.size() - 1);
        std::swap(views[i], views[pick(rng())]);
    }
}

// SPOP key count where few members stay: pick the survivors, reply everything else and
// replace the set by a new one holding the survivors (its encoding chosen afresh, as
// Redis's setTypeCreate does for the rebuilt set).
// SPOP is random: the log gets the members it took, as SREM (1024 per command, as Redis).
void log_popped(CommandContext& c, std::string_view key, std::span<const std::string_view> members) {
    constexpr std::size_t kPerCommand = 1024;
    std::vector<std::string_view> command;
    for (std::size_t i = 0; i < members.size(); i += kPerCommand) {
        command.assign({"SREM", key});
        const std::size_t n = std::min(kPerCommand, members.size() - i);
        command.insert(command.end(), members.begin() + static_cast<std::ptrdiff_t>(i),
                       members.begin() + static_cast<std::ptrdiff_t>(i + n));
        c.log_as(command);
    }
    if (members.empty()) c.log_nothing();
}

void spop_keeping_few(CommandContext& c, Entry& e, SetValue& s, std::size_t keep) {
    MemberList all(s);
    sample_to_front(all.views, keep);
    SetValue survivors = SetValue::for_first_member(all.views.front());
    for (std::size_t i = 0; i < keep; ++i) survivors.add(all.views[i]);
    c.out.set(all.views.size() - keep);
    for (std::size_t i = keep; i < all.views.size(); ++i) c.out.bulk(all.views[i]);
    log_popped(c, c.arg(1), std::span(all.views).subspan(keep));
    e.value = std::move(survivors);
}

void spop_with_count(CommandContext& c) {
    const auto count = parse_int(c.arg(2));
    if (!count || *count < 0) {
        c.out.error("ERR value is out of range, must be positive");
        return;
    }
    Entry* e = c.find(c.arg(1));
    if (!e) {
        c.out.set(0);
        c.log_nothing();
        return;
    }
    auto* s = typed_or_reply<SetValue>(c, e);
    if (!s) return;
    const auto wanted = static_cast<std::size_t>(*count);
    if (wanted == 0) {
        c.out.set(0);
        c.log_nothing();
        return;
    }
    notify(c, kev::kSet, "spop", c.arg(1));  // before the reply, as Redis
    if (wanted >= s->size()) {
        // Redis answers this case with SUNION of the key, so the reply order is a rebuilt
        // set's (sorted when every member is an integer).
        reply_members_as_set(c, union_or_diff({s}, SetOp::uni));
        delete_emptied(c, c.arg(1));
        c.log_as({"DEL", c.arg(1)});
        return;
    }
    const std::size_t remaining = s->size() - wanted;
    if (remaining * kSpopRebuildFactor > wanted) {
        c.out.set(wanted);
        std::vector<std::string> popped;
        popped.reserve(wanted);
        for (std::size_t i = 0; i < wanted; ++i) {
            char scratch[24];
            const std::string_view m = s->random_member(rng(), scratch);
            c.out.bulk(m);
            popped.emplace_back(m);
            s->remove(m);
        }
        const std::vector<std::string_view> views(popped.begin(), popped.end());
        log_popped(c, c.arg(1), views);
        return;
    }
    spop_keeping_few(c, *e, *s, remaining);
}

void spop_command(CommandContext& c) {
    if (c.argc() == 3) {
        spop_with_count(c);
        return;
    }
    if (c.argc() > 3) {
        c.out.error(errors::kSyntax);
        return;
    }
    bool replied = false;
    SetValue* s = set_for_removal(c, c.arg(1), replied);
    if (replied) return;
    if (!s) {
        c.out.null();
        c.log_nothing();
        return;
    }
    char scratch[24];
    const std::string_view m = s->random_member(rng(), scratch);
    notify(c, kev::kSet, "spop", c.arg(1));  // before the reply, as Redis
    c.out.bulk(m);
    c.log_as({"SREM", c.arg(1), m});  // before the removal frees the member's bytes
    s->remove(m);
    drop_if_empty(c, c.arg(1), *s);
}

// A negative count may repeat members without limit and the whole reply is built before a
// byte is sent: SRANDMEMBER s -4611686018427387903 would need exabytes (real Redis keeps
// going until it is killed). As HRANDFIELD does, refuse replies estimated above 1 GiB from
// the sizes of a few sampled members.
bool repeated_sample_too_large(const SetValue& s, std::size_t wanted) {
    constexpr std::size_t kMaxReplyBytes = std::size_t{1} << 30;
    constexpr int kSamples = 8;
    std::size_t sampled = 0;
    for (int i = 0; i < kSamples; ++i) {
        char scratch[24];
        sampled += s.random_member(rng(), scratch).size() + 16;
    }
    return wanted > kMaxReplyBytes / (sampled / kSamples);
}

void srandmember_with_count(CommandContext& c) {
    std::int64_t count = 0;
    if (!int_arg_or_reply(c, c.arg(2), count)) return;
    if (count < -INT64_MAX) {
        c.out.error("ERR value is out of range, value must between -9223372036854775807 and "
                    "9223372036854775807");
        return;
    }
    bool replied = false;
    SetValue* s = set_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!s || count == 0) {
        c.out.array(0);
        return;
    }
    const bool unique = count > 0;
    const auto wanted = static_cast<std::size_t>(unique ? count : -count);
    if (!unique || wanted == 1) {
        if (repeated_sample_too_large(*s, wanted)) {
            c.out.error("ERR value is out of range");
            return;
        }
        c.out.array(wanted);
        for (std::size_t i = 0; i < wanted; ++i) {
            char scratch[24];
            c.out.bulk(s->random_member(rng(), scratch));
        }
        return;
    }
    if (wanted >= s->size()) {
        c.out.array(s->size());
        s->for_each([&](std::string_view m) { c.out.bulk(m); });
        return;
    }
    MemberList all(*s);
    sample_to_front(all.views, wanted);
    c.out.array(wanted);
    for (std::size_t i = 0; i < wanted; ++i) c.out.bulk(all.views[i]);
}

void srandmember_command(CommandContext& c) {
    if (c.argc() == 3) {
        srandmember_with_count(c);
        return;
    }
    if (c.argc() > 3) {
        c.out.error(errors::kSyntax);
        return;
    }
    bool replied = false;
    SetValue* s = set_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!s) {
        c.out.null();
        return;
    }
    char scratch[24];
    c.out.bulk(s->random_member(rng(), scratch));
}

void sscan_command(CommandContext& c) {
    std::uint64_t cursor = 0;
    if (!scan_cursor_or_reply(c, c.arg(2), cursor)) return;
    bool replied = false;
    SetValue* s = set_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!s) {
        reply_scan(c, 0, {});
        return;
    }
    ScanOptions o;
    if (!scan_options_or_reply(c, 3, false, o)) return;
    std::vector<std::string_view> items;
    auto keep_matching = [&](std::string_view m) {
        if (!o.use_pattern || glob_match(o.pattern, m)) items.push_back(m);
    };
    if (s->is_intset()) {
        // An intset comes back whole in one call, as Redis does.
        MemberList all(*s);
        for (std::string_view m : all.views) keep_matching(m);
        reply_scan(c, 0, items);
        return;
    }
    std::int64_t budget = o.count * 10;
    do {
        cursor = s->scan(cursor, keep_matching);
    } while (cursor && budget-- && static_cast<std::int64_t>(items.size()) < o.count);
    reply_scan(c, cursor, items);
}

// --- SINTER / SUNION / SDIFF and their STORE forms ------------------------------------------

// Looks up every source set; a missing key counts as an empty set (nullptr). Like Redis,
// every key is type-checked before anything else happens.
bool load_sources(CommandContext& c, std::span<const std::string_view> keys,
                  std::vector<const SetValue*>& sets) {
    sets.clear();
    for (std::string_view key : keys) {
        Entry* e = c.find_read(key);
        if (e && !typed_or_reply<SetValue>(c, e)) return false;
        sets.push_back(e ? &std::get<SetValue>(e->value) : nullptr);
    }
    return true;
}

// Smallest first: intersecting walks the smallest set and probes the others.
void sort_by_size(std::vector<const SetValue*>& sets) {
    std::sort(sets.begin(), sets.end(),
              [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
}

// The members of `smallest` (the members of sets.front()) found in every other set, in the
// smallest set's order; stops after `limit` members (0 = no limit).
std::vector<std::string_view> intersect(const std::vector<const SetValue*>& sets,
                                        const MemberList& smallest, std::size_t limit) {
    std::vector<std::string_view> out;
    for (std::string_view m : smallest.views) {
        bool everywhere = true;
        for (std::size_t j = 1; j < sets.size() && everywhere; ++j)
            everywhere = sets[j] == sets.front() || sets[j]->contains(m);
        if (!everywhere) continue;
        out.push_back(m);
        if (limit && out.size() >= limit) break;
    }
    return out;
}

std::string_view store_event(SetOp op) {
    static constexpr std::string_view kNames[] = {"sinterstore", "sunionstore", "sdiffstore"};
    return kNames[static_cast<int>(op)];
}

// Writes a *STORE result: a non-empty set replaces the destination (and its TTL), an
// empty one deletes it. Redis replies before it notifies here.
void store_result(CommandContext& c, std::string_view dst_key, SetValue result, SetOp op) {
    const auto size = static_cast<std::int64_t>(result.size());
    if (size > 0) c.overwrite(dst_key, Value(std::move(result)));
    const bool deleted = size == 0 && c.erase(dst_key);
    c.out.integer(size);
    if (size > 0) notify(c, kev::kSet, store_event(op), dst_key);
    else if (deleted) notify(c, kev::kGeneric, "del", dst_key);
}

bool any_missing(const std::vector<const SetValue*>& sets) {
    return std::find(sets.begin(), sets.end(), nullptr) != sets.end();
}

// SINTER/SUNION/SDIFF (dst empty) and their STORE forms.
void set_algebra(CommandContext& c, SetOp op, std::span<const std::string_view> keys,
                 std::string_view dst_key, bool store) {
    std::vector<const SetValue*> sets;
    if (!load_sources(c, keys, sets)) return;
    if (op != SetOp::inter) {
        SetValue result = union_or_diff(sets, op);
        if (store) store_result(c, dst_key, std::move(result), op);
        else reply_members_as_set(c, result);
        return;
    }
    if (any_missing(sets)) {  // intersecting with an empty set
        if (!store) {
            c.out.set(0);
            return;
        }
        // Here Redis deletes the destination before it replies.
        if (c.erase(dst_key)) notify(c, kev::kGeneric, "del", dst_key);
        c.out.integer(0);
        return;
    }
    sort_by_size(sets);
    const MemberList smallest(*sets.front());
    const std::vector<std::string_view> members = intersect(sets, smallest, 0);
    if (!store) {
        c.out.set(members.size());
        for (std::string_view m : members) c.out.bulk(m);
        return;
    }
    SetValue result;
    for (std::string_view m : members) result.add(m);
    store_result(c, dst_key, std::move(result), op);
}

std::span<const std::string_view> keys_from(CommandContext& c, std::size_t first) {
    return c.args.subspan(first);
}

void sinter_command(CommandContext& c) { set_algebra(c, SetOp::inter, keys_from(c, 1), {}, false); }
void sunion_command(CommandContext& c) { set_algebra(c, SetOp::uni, keys_from(c, 1), {}, false); }
void sdiff_command(CommandContext& c) { set_algebra(c, SetOp::diff, keys_from(c, 1), {}, false); }
void sinterstore_command(CommandContext& c) { set_algebra(c, SetOp::inter, keys_from(c, 2), c.arg(1), true); }
void sunionstore_command(CommandContext& c) { set_algebra(c, SetOp::uni, keys_from(c, 2), c.arg(1), true); }
void sdiffstore_command(CommandContext& c) { set_algebra(c, SetOp::diff, keys_from(c, 2), c.arg(1), true); }

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void sintercard_command(CommandContext& c) {
    auto numkeys = parse_int(c.arg(1));
    if (!numkeys || *numkeys < 1) {
        c.out.error("ERR numkeys should be greater than 0");
        return;
    }
    if (*numkeys > static_cast<std::int64_t>(c.argc() - 2)) {
        c.out.error("ERR Number of keys can't be greater than number of args");
        return;
    }
    const auto nkeys = static_cast<std::size_t>(*numkeys);
    std::int64_t limit = 0;
    for (std::size_t i = 2 + nkeys; i < c.argc(); ++i) {
        const bool has_value = i + 1 < c.argc();
        if (!option_is(c.arg(i), "limit") || !has_value) {
            c.out.error(errors::kSyntax);
            return;
        }
        auto n = parse_int(c.arg(++i));
        if (!n || *n < 0) {
            c.out.error("ERR LIMIT can't be negative");
            return;
        }
        limit = *n;
    }
    std::vector<const SetValue*> sets;
    if (!load_sources(c, c.args.subspan(2, nkeys), sets)) return;
    if (any_missing(sets)) {
        c.out.integer(0);
        return;
    }
    sort_by_size(sets);
    const MemberList smallest(*sets.front());
    const auto members = intersect(sets, smallest, static_cast<std::size_t>(limit));
    c.out.integer(static_cast<std::int64_t>(members.size()));
}

// SINTERCARD's keys: numkeys of them from argument 2 on (Redis's keynum key spec).
void sintercard_keys(std::span<const std::string_view> args, std::vector<std::size_t>& positions) {
    if (args.size() < 2) return;
    auto numkeys = parse_int(args[1]);
    if (!numkeys || *numkeys < 1) return;
    const std::size_t end = std::min(args.size(), 2 + static_cast<std::size_t>(*numkeys));
    for (std::size_t i = 2; i < end; ++i) positions.push_back(i);
}

constexpr KeyRange kFirstKey{1, 1, 1};
constexpr KeyRange kAllKeys{1, -1, 1};

const CommandSpec kSetCommands[] = {
    {"sadd", -3, kWrite | kDenyOom | kFast | kKeysWriteOnly, kFirstKey, sadd_command, "set", "1.0.0",
     "Add one or more members to a set",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments."},
    {"srem", -3, kWrite | kFast | kKeysWriteOnly, kFirstKey, srem_command, "set", "1.0.0",
     "Remove one or more members from a set", "O(N) where N is the number of members to be removed."},
    {"smembers", 2, kReadonly, kFirstKey, sinter_command, "set", "1.0.0",
     "Get all the members in a set", "O(N) where N is the set cardinality."},
    {"sismember", 3, kReadonly | kFast | kKeysBlind, kFirstKey, sismember_command, "set", "1.0.0",
     "Determine if a given value is a member of a set", "O(1)"},
    {"smismember", -3, kReadonly | kFast, kFirstKey, smismember_command, "set", "6.2.0",
     "Returns the membership associated with the given elements for a set",
     "O(N) where N is the number of elements being checked for membership"},
    {"scard", 2, kReadonly | kFast | kKeysBlind, kFirstKey, scard_command, "set", "1.0.0",
     "Get the number of members in a set", "O(1)"},
    {"spop", -2, kWrite | kFast, kFirstKey, spop_command, "set", "1.0.0",
     "Remove and return one or multiple random members from a set",
     "Without the count argument O(1), otherwise O(N) where N is the value of the passed count."},
    {"srandmember", -2, kReadonly, kFirstKey, srandmember_command, "set", "1.0.0",
     "Get one or multiple random members from a set",
     "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
     "passed count."},
    {"smove", 4, kWrite | kFast | kDestLast, {1, 2, 1}, smove_command, "set", "1.0.0",
     "Move a member from one set to another", "O(1)"},
    {"sinter", -2, kReadonly, kAllKeys, sinter_command, "set", "1.0.0", "Intersect multiple sets",
     "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
     "sets."},
    {"sintercard", -3, kReadonly, {0, 0, 0}, sintercard_command, "set", "7.0.0",
     "Intersect multiple sets and return the cardinality of the result",
     "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
     "sets.",
     {}, sintercard_keys},
    {"sunion", -2, kReadonly, kAllKeys, sunion_command, "set", "1.0.0", "Add multiple sets",
     "O(N) where N is the total number of elements in all given sets."},
    {"sdiff", -2, kReadonly, kAllKeys, sdiff_command, "set", "1.0.0", "Subtract multiple sets",
     "O(N) where N is the total number of elements in all given sets."},
    {"sinterstore", -3, kWrite | kDenyOom | kDestFirst | kKeysReadOnly, kAllKeys, sinterstore_command, "set", "1.0.0",
     "Intersect multiple sets and store the resulting set in a key",
     "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
     "sets."},
    {"sunionstore", -3, kWrite | kDenyOom | kDestFirst | kKeysReadOnly, kAllKeys, sunionstore_command, "set", "1.0.0",
     "Add multiple sets and store the resulting set in a key",
     "O(N) where N is the total number of elements in all given sets."},
    {"sdiffstore", -3, kWrite | kDenyOom | kDestFirst | kKeysReadOnly, kAllKeys, sdiffstore_command, "set", "1.0.0",
     "Subtract multiple sets and store the resulting set in a key",
     "O(N) where N is the total number of elements in all given sets."},
    {"sscan", -3, kReadonly, kFirstKey, sscan_command, "set", "2.8.0",
     "Incrementally iterate Set elements",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection.."},
};

}  // namespace

std::span<const CommandSpec> set_commands() { return kSetCommands; }

}  // namespace corokv
