// Sorted set commands (Redis's t_zset.c). Replies, error texts and the order in which
// arguments are checked follow Redis 7.0.15, except ZRANK/ZREVRANK WITHSCORE, which comes
// from Redis 7.2 (7.0 rejects it as a wrong number of arguments).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "commands/blocking.hpp"
#include "commands/command_table.hpp"
#include "commands/keyspace_events.hpp"
#include "commands/numbers.hpp"
#include "commands/scan.hpp"
#include "store/glob.hpp"

namespace corokv {
namespace {

constexpr std::string_view kNotFloatRange = "ERR min or max is not a float";
constexpr std::string_view kNotLexRange = "ERR min or max not valid string range item";
constexpr std::string_view kNaNScore = "ERR resulting score is not a number (NaN)";

std::mt19937_64& rng() {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return gen;
}

// --- argument parsing -----------------------------------------------------------------------

// strtod needs a NUL-terminated string; arguments are views into the read buffer.
struct CString {
    explicit CString(std::string_view s) {
        if (s.size() < sizeof small) {
            std::memcpy(small, s.data(), s.size());
            small[s.size()] = '\0';
            ptr = small;
        } else {
            big.assign(s);
            ptr = big.c_str();
        }
    }
    char small[64];
    std::string big;
    const char* ptr;
};

// Redis's getDoubleFromObject: the whole argument must be a number (no leading space, no
// NaN, no overflow to infinity or underflow to zero); "inf", "-inf", "0x1p3" are fine.
std::optional<double> parse_score(std::string_view s) {
    if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
    CString text(s);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.ptr, &end);
    if (static_cast<std::size_t>(end - text.ptr) != s.size()) return std::nullopt;
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) return std::nullopt;
    if (std::isnan(v)) return std::nullopt;
    return v;
}

bool score_arg_or_reply(CommandContext& c, std::string_view s, double& out,
                        std::string_view error = errors::kNotFloat) {
    auto v = parse_score(s);
    if (!v) {
        c.out.error(error);
        return false;
    }
    out = *v;
    return true;
}

// Redis's zslParseRange item: "(" for exclusive, then strtod up to the first NUL (so, unlike
// scores, leading spaces and an empty number are accepted, as Redis accepts them).
bool parse_range_item(std::string_view s, double& value, bool& exclusive) {
    exclusive = !s.empty() && s[0] == '(';
    if (exclusive) s.remove_prefix(1);
    CString text(s);
    char* end = nullptr;
    value = std::strtod(text.ptr, &end);
    return *end == '\0' && !std::isnan(value);
}

bool score_range_or_reply(CommandContext& c, std::string_view min, std::string_view max, ScoreRange& r) {
    if (parse_range_item(min, r.min, r.min_exclusive) && parse_range_item(max, r.max, r.max_exclusive))
        return true;
    c.out.error(kNotFloatRange);
    return false;
}

// Redis's zslParseLexRangeItem: "+", "-", "[member" or "(member".
bool parse_lex_item(std::string_view s, LexBound& b) {
    if (s.empty()) return false;
    const bool alone = s.size() == 1 || s[1] == '\0';
    switch (s[0]) {
        case '+':
            b = {LexBound::Kind::plus_infinity, {}};
            return alone;
        case '-':
            b = {LexBound::Kind::minus_infinity, {}};
            return alone;
        case '(':
            b = {LexBound::Kind::exclusive, s.substr(1)};
            return true;
        case '[':
            b = {LexBound::Kind::inclusive, s.substr(1)};
            return true;
        default:
            return false;
    }
}

bool lex_range_or_reply(CommandContext& c, std::string_view min, std::string_view max, LexRange& r) {
    if (parse_lex_item(min, r.min) && parse_lex_item(max, r.max)) return true;
    c.out.error(kNotLexRange);
    return false;
}

// Redis's getRangeLongFromObjectOrReply(1, LONG_MAX, msg) as ZMPOP uses it.
bool positive_arg_or_reply(CommandContext& c, std::string_view s, std::int64_t& out, std::string_view error) {
    auto v = parse_int(s);
    if (!v || *v < 1) {
        c.out.error(error);
        return false;
    }
    out = *v;
    return true;
}

// --- lookups --------------------------------------------------------------------------------

// The sorted set at `key` for reading; nullptr if missing (replied = false) or of another
// type (replied = true).
ZSetValue* zset_for_read(CommandContext& c, std::string_view key, bool& replied) {
    return existing_or_reply<ZSetValue>(c, c.find_read(key), replied);
}

ZSetValue* zset_for_write(CommandContext& c, std::string_view key, bool& replied) {
    return existing_or_reply<ZSetValue>(c, c.find(key), replied);
}

// Redis never keeps an empty sorted set.
void drop_if_empty(CommandContext& c, std::string_view key, const ZSetValue& z) {
    if (z.empty()) delete_emptied(c, key);
}

// --- replies --------------------------------------------------------------------------------

void reply_member(CommandContext& c, const ZSetNode* n, bool with_scores) {
    const bool pair = with_scores && c.out.protocol() >= 3;
    if (pair) c.out.array(2);
    c.out.bulk(n->member());
    if (with_scores) c.out.double_value(n->score());
}

// A range reply (ZRANGE, ZUNION, ...): RESP2 flattens member/score, RESP3 nests pairs.
void reply_members(CommandContext& c, const std::vector<const ZSetNode*>& nodes, bool with_scores) {
    const bool flat_scores = with_scores && c.out.protocol() < 3;
    c.out.array(flat_scores ? nodes.size() * 2 : nodes.size());
    for (const ZSetNode* n : nodes) reply_member(c, n, with_scores);
}

void reply_whole_set(CommandContext& c, const ZSetValue& z, bool with_scores) {
    const bool flat_scores = with_scores && c.out.protocol() < 3;
    c.out.array(flat_scores ? z.size() * 2 : z.size());
    for (const ZSetNode* n = z.first(); n; n = n->next()) reply_member(c, n, with_scores);
}

// Stores a computed result at `dst` (replacing any value and TTL) and replies its size;
// an empty result deletes `dst`, as Redis does. Redis notifies `event` (or "del") after
// the reply.
void store_result(CommandContext& c, std::string_view dst, ZSetValue&& result, std::string_view event) {
    const auto n = static_cast<std::int64_t>(result.size());
    if (n == 0) {
        const bool deleted = c.erase(dst);
        c.out.integer(0);
        if (deleted) notify(c, kev::kGeneric, "del", dst);
        return;
    }
    result.reset_encoding();
    c.overwrite(dst, Value(std::move(result)));
    c.out.integer(n);
    notify(c, kev::kZset, event, dst);
}

// --- ZADD, ZINCRBY --------------------------------------------------------------------------

struct ZAddFlags {
    bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

enum class AddOutcome { added, updated, unchanged, skipped, nan };

// Redis's zsetAdd: applies one score/member under the ZADD flags. `score` becomes the new
// score when the member was added or changed (the INCR reply). The reply is the computed
// score, even where a listpack stores a -0 as 0: `ZINCRBY z -0 new` answers -0.
AddOutcome zset_add(ZSetValue& z, std::string_view member, double& score, const ZAddFlags& f) {
    if (const ZSetNode* n = z.find(member)) {
        if (f.nx) return AddOutcome::skipped;
        const double current = n->score();
        if (f.incr) {
            score += current;
            if (std::isnan(score)) return AddOutcome::nan;
        }
        if ((f.lt && score >= current) || (f.gt && score <= current)) return AddOutcome::skipped;
        if (score == current) return AddOutcome::unchanged;
        z.update_score(n, score);
        return AddOutcome::updated;
    }
    if (f.xx) return AddOutcome::skipped;
    z.set(member, score);
    return AddOutcome::added;
}

bool parse_zadd_flags(CommandContext& c, std::size_t& i, ZAddFlags& f) {
    for (; i < c.argc(); ++i) {
        const std::string_view a = c.arg(i);
        if (option_is(a, "nx")) f.nx = true;
        else if (option_is(a, "xx")) f.xx = true;
        else if (option_is(a, "gt")) f.gt = true;
        else if (option_is(a, "lt")) f.lt = true;
        else if (option_is(a, "ch")) f.ch = true;
        else if (option_is(a, "incr")) f.incr = true;
        else break;
    }
    const std::size_t rest = c.argc() - i;
    if (rest == 0 || rest % 2 != 0) {
        c.out.error(errors::kSyntax);
        return false;
    }
    if (f.nx && f.xx) {
        c.out.error("ERR XX and NX options at the same time are not compatible");
        return false;
    }
    if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
        c.out.error("ERR GT, LT, and/or NX options at the same time are not compatible");
        return false;
    }
    if (f.incr && rest > 2) {
        c.out.error("ERR INCR option supports a single increment-element pair");
        return false;
    }
    return true;
}

void zadd_generic(CommandContext& c, std::size_t first_pair, const ZAddFlags& f) {
    const std::size_t pairs = (c.argc() - first_pair) / 2;
    std::vector<double> scores(pairs);
    for (std::size_t j = 0; j < pairs; ++j)
        if (!score_arg_or_reply(c, c.arg(first_pair + 2 * j), scores[j])) return;

    Entry* e = c.find(c.arg(1));
    ZSetValue* z = nullptr;
    if (e) {
        z = typed_or_reply<ZSetValue>(c, e);
        if (!z) return;
    } else if (!f.xx) {
        e = c.find_or_create(c.arg(1)).first;
        e->value = ZSetValue{};
        z = &std::get<ZSetValue>(e->value);
    }
    std::int64_t added = 0, updated = 0, processed = 0;
    double score = 0;
    for (std::size_t j = 0; z && j < pairs; ++j) {
        score = scores[j];
        switch (zset_add(*z, c.arg(first_pair + 2 * j + 1), score, f)) {
            case AddOutcome::nan:
                c.out.error(kNaNScore);
                drop_if_empty(c, c.arg(1), *z);
                return;
            case AddOutcome::added: ++added; ++processed; break;
            case AddOutcome::updated: ++updated; ++processed; break;
            case AddOutcome::unchanged: ++processed; break;
            case AddOutcome::skipped: break;
        }
    }
    if (f.incr) {
        if (processed) c.out.double_value(score);
        else c.out.null();
    } else {
        c.out.integer(f.ch ? added + updated : added);
    }
    if (added + updated == 0) c.log_nothing();
    else notify(c, kev::kZset, f.incr ? "zincr" : "zadd", c.arg(1));  // after the reply, as Redis
}

void zadd_command(CommandContext& c) {
    std::size_t i = 2;
    ZAddFlags f;
    if (!parse_zadd_flags(c, i, f)) return;
    zadd_generic(c, i, f);
}

void zincrby_command(CommandContext& c) {
    ZAddFlags f;
    f.incr = true;
    zadd_generic(c, 2, f);
}

// --- single-member reads --------------------------------------------------------------------

void zscore_command(CommandContext& c) {
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (replied) return;
    const ZSetNode* n = z ? z->find(c.arg(2)) : nullptr;
    if (n) c.out.double_value(n->score());
    else c.out.null();
}

void zmscore_command(CommandContext& c) {
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (replied) return;
    c.out.array(c.argc() - 2);
    for (std::size_t i = 2; i < c.argc(); ++i) {
        const ZSetNode* n = z ? z->find(c.arg(i)) : nullptr;
        if (n) c.out.double_value(n->score());
        else c.out.null();
    }
}

void zcard_command(CommandContext& c) {
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (!replied) c.out.integer(z ? static_cast<std::int64_t>(z->size()) : 0);
}

// ZRANK/ZREVRANK, with Redis 7.2's WITHSCORE: [rank, score], or a null array when missing.
void zrank_generic(CommandContext& c, bool reverse) {
    if (c.argc() > 4) {
        reply_wrong_arity(c.out, c.spec->name);
        return;
    }
    const bool with_score = c.argc() == 4;
    if (with_score && !option_is(c.arg(3), "withscore")) {
        c.out.error(errors::kSyntax);
        return;
    }
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (replied) return;
    const ZSetNode* n = z ? z->find(c.arg(2)) : nullptr;
    if (!n) {
        if (with_score) c.out.null_array();
        else c.out.null();
        return;
    }
    const std::size_t rank = z->rank_of(n);
    if (with_score) c.out.array(2);
    c.out.integer(static_cast<std::int64_t>(reverse ? z->size() - 1 - rank : rank));
    if (with_score) c.out.double_value(n->score());
}
void zrank_command(CommandContext& c) { zrank_generic(c, false); }
void zrevrank_command(CommandContext& c) { zrank_generic(c, true); }

// --- counting -------------------------------------------------------------------------------

template <class Range>
std::int64_t count_in(const ZSetValue& z, const Range& r) {
    const ZSetNode* lo = z.first_in(r);
    if (!lo) return 0;
    const ZSetNode* hi = z.last_in(r);
    return static_cast<std::int64_t>(z.rank_of(hi) - z.rank_of(lo) + 1);
}

void zcount_command(CommandContext& c) {
    ScoreRange r;
    if (!score_range_or_reply(c, c.arg(2), c.arg(3), r)) return;
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (!replied) c.out.integer(z ? count_in(*z, r) : 0);
}

void zlexcount_command(CommandContext& c) {
    LexRange r;
    if (!lex_range_or_reply(c, c.arg(2), c.arg(3), r)) return;
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (!replied) c.out.integer(z ? count_in(*z, r) : 0);
}

// --- ZRANGE and friends ---------------------------------------------------------------------

enum class RangeBy { automatic, rank, score, lex };
enum class Direction { automatic, forward, reverse };

struct RangeRequest {
    RangeBy by = RangeBy::automatic;
    Direction direction = Direction::automatic;
    bool with_scores = false;
    std::int64_t offset = 0;
    std::int64_t limit = -1;   // -1: no LIMIT (any negative count means "all")
    bool has_limit = false;
};

// Members by rank, Redis's index rules: negative counts from the end, clamped to the set.
void collect_by_rank(const ZSetValue& z, std::int64_t start, std::int64_t end, bool reverse,
                     std::vector<const ZSetNode*>& out) {
    const auto len = static_cast<std::int64_t>(z.size());
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) return;
    if (end >= len) end = len - 1;
    const auto count = static_cast<std::size_t>(end - start + 1);
    out.reserve(count);
    const ZSetNode* n = z.at_rank(static_cast<std::size_t>(reverse ? len - 1 - start : start));
    for (std::size_t i = 0; i < count && n; ++i, n = reverse ? n->prev() : n->next()) out.push_back(n);
}

// Members in a score or lex range with LIMIT offset count. Redis skips `offset` members one
// by one; here the skip is a rank lookup, so a deep page costs O(log n), not O(offset).
template <class Range, class Inside>
void collect_in_range(const ZSetValue& z, const Range& r, Inside inside, const RangeRequest& q,
                      std::vector<const ZSetNode*>& out) {
    const bool reverse = q.direction == Direction::reverse;
    if (q.offset < 0 || (q.offset > 0 && static_cast<std::uint64_t>(q.offset) >= z.size())) return;
    const ZSetNode* n = reverse ? z.last_in(r) : z.first_in(r);
    if (!n) return;
    if (q.offset > 0) {
        const std::size_t rank = z.rank_of(n);
        const auto skip = static_cast<std::size_t>(q.offset);
        if (reverse) n = skip > rank ? nullptr : z.at_rank(rank - skip);
        else n = z.at_rank(rank + skip);
    }
    for (std::int64_t left = q.limit; n && left != 0; --left) {
        if (!inside(n)) break;
        out.push_back(n);
        n = reverse ? n->prev() : n->next();
    }
}

// Redis's zrangeGenericCommand: `first` is the index of the source key; min/max follow it.
// ZRANGESTORE stores the result at args[1] instead of replying it.
void zrange_generic(CommandContext& c, std::size_t first, RangeRequest q) {
    const bool store = c.spec->name == "zrangestore";
    for (std::size_t j = first + 3; j < c.argc(); ++j) {
        const std::string_view a = c.arg(j);
        const std::size_t left = c.argc() - j - 1;
        if (!store && option_is(a, "withscores")) {
            q.with_scores = true;
        } else if (option_is(a, "limit") && left >= 2) {
            if (!int_arg_or_reply(c, c.arg(j + 1), q.offset) || !int_arg_or_reply(c, c.arg(j + 2), q.limit)) return;
            q.has_limit = true;
            j += 2;
        } else if (q.direction == Direction::automatic && option_is(a, "rev")) {
            q.direction = Direction::reverse;
        } else if (q.by == RangeBy::automatic && option_is(a, "bylex")) {
            q.by = RangeBy::lex;
        } else if (q.by == RangeBy::automatic && option_is(a, "byscore")) {
            q.by = RangeBy::score;
        } else {
            c.out.error(errors::kSyntax);
            return;
        }
    }
    if (q.direction == Direction::automatic) q.direction = Direction::forward;
    if (q.by == RangeBy::automatic) q.by = RangeBy::rank;
    if (q.limit != -1 && q.by == RangeBy::rank) {
        c.out.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        return;
    }
    if (q.with_scores && q.by == RangeBy::lex) {
        c.out.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return;
    }
    const bool reverse = q.direction == Direction::reverse;
    std::string_view min = c.arg(first + 1), max = c.arg(first + 2);
    if (reverse && q.by != RangeBy::rank) std::swap(min, max);

    std::int64_t start = 0, end = 0;
    ScoreRange scores;
    LexRange lex;
    switch (q.by) {
        case RangeBy::score:
            if (!score_range_or_reply(c, min, max, scores)) return;
            break;
        case RangeBy::lex:
            if (!lex_range_or_reply(c, min, max, lex)) return;
            break;
        default:
            if (!int_arg_or_reply(c, min, start) || !int_arg_or_reply(c, max, end)) return;
    }

    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(first), replied);  // a read for ZRANGESTORE too, as in Redis
    if (replied) return;
    std::vector<const ZSetNode*> nodes;
    if (z) {
        if (q.by == RangeBy::rank) {
            collect_by_rank(*z, start, end, reverse, nodes);
        } else if (q.by == RangeBy::score) {
            auto inside = [&](const ZSetNode* n) {
                return reverse ? scores.above_min(n->score()) : scores.below_max(n->score());
            };
            collect_in_range(*z, scores, inside, q, nodes);
        } else {
            auto inside = [&](const ZSetNode* n) {
                return reverse ? lex.above_min(n->member()) : lex.below_max(n->member());
            };
            collect_in_range(*z, lex, inside, q, nodes);
        }
    }
    if (!store) {
        reply_members(c, nodes, q.with_scores);
        return;
    }
    // Redis creates the destination from a size hint: a rank range knows its length, and one
    // above the listpack limit starts as a skiplist (keeping -0 scores); score and lex ranges
    // start as a listpack, which turns -0 into 0 until the set grows out of it.
    ZSetValue result;
    if (q.by == RangeBy::rank && nodes.size() > ZSetValue::kMaxListpackEntries) result.convert_to_skiplist();
    for (const ZSetNode* n : nodes) result.set(n->member(), n->score());
    store_result(c, c.arg(1), std::move(result), "zrangestore");
}

void zrange_command(CommandContext& c) { zrange_generic(c, 1, {}); }
void zrangestore_command(CommandContext& c) { zrange_generic(c, 2, {}); }
void zrevrange_command(CommandContext& c) {
    zrange_generic(c, 1, {RangeBy::rank, Direction::reverse});
}
void zrangebyscore_command(CommandContext& c) {
    zrange_generic(c, 1, {RangeBy::score, Direction::forward});
}
void zrevrangebyscore_command(CommandContext& c) {
    zrange_generic(c, 1, {RangeBy::score, Direction::reverse});
}
void zrangebylex_command(CommandContext& c) { zrange_generic(c, 1, {RangeBy::lex, Direction::forward}); }
void zrevrangebylex_command(CommandContext& c) {
    zrange_generic(c, 1, {RangeBy::lex, Direction::reverse});
}

// --- removal --------------------------------------------------------------------------------

void zrem_command(CommandContext& c) {
    bool replied = false;
    ZSetValue* z = zset_for_write(c, c.arg(1), replied);
    if (replied) return;
    std::int64_t removed = 0;
    for (std::size_t i = 2; z && i < c.argc() && !z->empty(); ++i) removed += z->erase(c.arg(i));
    finish_removal(c, kev::kZset, "zrem", removed, removed > 0 && z->empty());
}

void zremrangebyrank_command(CommandContext& c) {
    std::int64_t start = 0, end = 0;
    if (!int_arg_or_reply(c, c.arg(2), start) || !int_arg_or_reply(c, c.arg(3), end)) return;
    bool replied = false;
    ZSetValue* z = zset_for_write(c, c.arg(1), replied);
    if (replied) return;
    const auto len = z ? static_cast<std::int64_t>(z->size()) : 0;
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (!z || start > end || start >= len) {
        c.out.integer(0);
        c.log_nothing();
        return;
    }
    if (end >= len) end = len - 1;
    const std::size_t removed = z->erase_ranks(static_cast<std::size_t>(start), static_cast<std::size_t>(end));
    finish_removal(c, kev::kZset, "zremrangebyrank", static_cast<std::int64_t>(removed), z->empty());
}

template <class Range>
void remove_range(CommandContext& c, const Range& r, std::string_view event) {
    bool replied = false;
    ZSetValue* z = zset_for_write(c, c.arg(1), replied);
    if (replied) return;
    const std::size_t removed = z ? z->erase_range(r) : 0;
    finish_removal(c, kev::kZset, event, static_cast<std::int64_t>(removed), removed > 0 && z->empty());
}

void zremrangebyscore_command(CommandContext& c) {
    ScoreRange r;
    if (score_range_or_reply(c, c.arg(2), c.arg(3), r)) remove_range(c, r, "zremrangebyscore");
}

void zremrangebylex_command(CommandContext& c) {
    LexRange r;
    if (lex_range_or_reply(c, c.arg(2), c.arg(3), r)) remove_range(c, r, "zremrangebylex");
}

// --- popping --------------------------------------------------------------------------------

enum class PopEnd { min, max };

// How a pop reply is shaped (Redis's genericZpopCommand flags).
struct PopShape {
    bool emit_key = false;     // BZPOPMIN/BZPOPMAX, ZMPOP, BZMPOP
    bool nested = false;       // [member, score] pairs instead of a flat list
};

// Pops up to `count` members of `z` (which is not empty) and replies; deletes the key if
// the set is left empty.
void pop_and_reply(CommandContext& c, std::string_view key, ZSetValue& z, PopEnd end,
                   std::size_t count, PopShape shape) {
    const std::size_t n = std::min(count, z.size());
    if (shape.emit_key && shape.nested) {
        c.out.array(2);
        c.out.bulk(key);
        c.out.array(n);
    } else if (shape.emit_key) {
        c.out.array(n * 2 + 1);
        c.out.bulk(key);
    } else {
        c.out.array(shape.nested ? n : n * 2);
    }
    // Between the reply's header and its elements: where Redis 7.0 has it, which a RESP3
    // client subscribed to its own events sees.
    notify(c, kev::kZset, end == PopEnd::min ? "zpopmin" : "zpopmax", key);
    for (std::size_t i = 0; i < n; ++i) {
        const ZSetNode* node = end == PopEnd::min ? z.first() : z.last();
        if (shape.nested) c.out.array(2);
        c.out.bulk(node->member());
        c.out.double_value(node->score());
        z.erase(node->member());
    }
    drop_if_empty(c, key, z);
}

// The first of `keys` holding a sorted set; nullptr with replied = true on WRONGTYPE.
ZSetValue* first_nonempty(CommandContext& c, std::span<const std::string_view> keys, std::string_view& key,
                          bool& replied) {
    replied = false;
    for (std::string_view k : keys) {
        ZSetValue* z = zset_for_write(c, k, replied);
        if (replied) return nullptr;
        if (z && !z->empty()) {
            key = k;
            return z;
        }
    }
    return nullptr;
}

void zpop_generic(CommandContext& c, PopEnd end) {
    if (c.argc() > 3) {
        c.out.error(errors::kSyntax);
        return;
    }
    std::int64_t count = 1;
    if (c.argc() == 3) {
        auto v = parse_int(c.arg(2));
        if (!v || *v < 0) {
            c.out.error("ERR value is out of range, must be positive");
            return;
        }
        count = *v;
    }
    bool replied = false;
    ZSetValue* z = zset_for_write(c, c.arg(1), replied);
    if (replied) return;
    if (!z || count == 0) {
        c.out.array(0);
        c.log_nothing();
        return;
    }
    const bool nested = c.argc() == 3 && c.out.protocol() >= 3;
    pop_and_reply(c, c.arg(1), *z, end, static_cast<std::size_t>(count), {false, nested});
}
void zpopmin_command(CommandContext& c) { zpop_generic(c, PopEnd::min); }
void zpopmax_command(CommandContext& c) { zpop_generic(c, PopEnd::max); }

void bzpop_generic(CommandContext& c, PopEnd end) {
    std::int64_t deadline = 0;
    if (!timeout_arg_or_reply(c, c.arg(c.argc() - 1), deadline)) return;
    const auto keys = c.args.subspan(1, c.argc() - 2);
    std::string_view key;
    bool replied = false;
    ZSetValue* z = first_nonempty(c, keys, key, replied);
    if (replied) return;
    if (z) {
        pop_and_reply(c, key, *z, end, 1, {true, false});
        c.log_as({end == PopEnd::min ? "ZPOPMIN" : "ZPOPMAX", key});  // what it did, without blocking
        return;
    }
    c.block_on(keys, deadline, TimeoutReply::null_array);
}
void bzpopmin_command(CommandContext& c) { bzpop_generic(c, PopEnd::min); }
void bzpopmax_command(CommandContext& c) { bzpop_generic(c, PopEnd::max); }

struct MPopRequest {
    std::span<const std::string_view> keys;
    PopEnd end = PopEnd::min;
    std::int64_t count = 1;
};

// Redis's zmpopGenericCommand argument checks: numkeys, then MIN|MAX, then COUNT.
bool parse_mpop(CommandContext& c, std::size_t numkeys_at, MPopRequest& r) {
    std::int64_t numkeys = 0;
    if (!positive_arg_or_reply(c, c.arg(numkeys_at), numkeys, "ERR numkeys should be greater than 0")) return false;
    const std::size_t available = c.argc() - numkeys_at - 1;
    if (static_cast<std::uint64_t>(numkeys) >= available) {
        c.out.error(errors::kSyntax);
        return false;
    }
    const std::size_t where = numkeys_at + 1 + static_cast<std::size_t>(numkeys);
    r.keys = c.args.subspan(numkeys_at + 1, static_cast<std::size_t>(numkeys));
    if (option_is(c.arg(where), "min")) r.end = PopEnd::min;
    else if (option_is(c.arg(where), "max")) r.end = PopEnd::max;
    else {
        c.out.error(errors::kSyntax);
        return false;
    }
    bool has_count = false;
    for (std::size_t j = where + 1; j < c.argc(); ++j) {
        if (!has_count && option_is(c.arg(j), "count") && j + 1 < c.argc()) {
            if (!positive_arg_or_reply(c, c.arg(++j), r.count, "ERR count should be greater than 0")) return false;
            has_count = true;
        } else {
            c.out.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

// ZMPOP and BZMPOP are logged as the ZPOPMIN/ZPOPMAX of the key they popped from, as Redis
// does: the replay needs neither the other keys nor a timeout.
void log_mpop_effect(CommandContext& c, std::string_view key, const MPopRequest& r) {
    char count[24];
    c.log_as({r.end == PopEnd::min ? "ZPOPMIN" : "ZPOPMAX", key, format_int64(r.count, count)});
}

void zmpop_command(CommandContext& c) {
    MPopRequest r;
    if (!parse_mpop(c, 1, r)) return;
    std::string_view key;
    bool replied = false;
    ZSetValue* z = first_nonempty(c, r.keys, key, replied);
    if (replied) return;
    if (!z) {
        c.out.null_array();
        c.log_nothing();
        return;
    }
    pop_and_reply(c, key, *z, r.end, static_cast<std::size_t>(r.count), {true, true});
    log_mpop_effect(c, key, r);
}

// Redis checks numkeys, MIN|MAX and COUNT before the timeout (as BLMPOP does).
void bzmpop_command(CommandContext& c) {
    MPopRequest r;
    if (!parse_mpop(c, 2, r)) return;
    std::int64_t deadline = 0;
    if (!timeout_arg_or_reply(c, c.arg(1), deadline)) return;
    std::string_view key;
    bool replied = false;
    ZSetValue* z = first_nonempty(c, r.keys, key, replied);
    if (replied) return;
    if (z) {
        pop_and_reply(c, key, *z, r.end, static_cast<std::size_t>(r.count), {true, true});
        log_mpop_effect(c, key, r);
        return;
    }
    c.block_on(r.keys, deadline, TimeoutReply::null_array);
}

// --- ZRANDMEMBER ----------------------------------------------------------------------------

const ZSetNode* random_node(const ZSetValue& z) {
    std::uniform_int_distribution<std::size_t> pick(0, z.size() - 1);
    return z.at_rank(pick(rng()));
}

// A negative count may repeat members without limit, and the reply is built before it is
// sent: refuse replies estimated above 1 GiB (real Redis would be OOM-killed), as HRANDFIELD.
bool repeated_sample_too_large(const ZSetValue& z, std::size_t wanted, bool with_scores) {
    constexpr std::size_t kMaxReplyBytes = std::size_t{1} << 30;
    constexpr int kSamples = 8;
    std::size_t sampled = 0;
    for (int i = 0; i < kSamples; ++i) sampled += random_node(z)->member().size() + 16 + (with_scores ? 32 : 0);
    const std::size_t per_element = std::max<std::size_t>(sampled / kSamples, 1);
    return wanted > kMaxReplyBytes / per_element;
}

// Distinct members: a partial Fisher-Yates over ranks when most of the set is wanted,
// rejection sampling of ranks when few are.
std::vector<const ZSetNode*> distinct_sample(const ZSetValue& z, std::size_t wanted) {
    std::vector<const ZSetNode*> picked;
    picked.reserve(wanted);
    if (wanted * 3 > z.size()) {
        std::vector<const ZSetNode*> all;
        all.reserve(z.size());
        for (const ZSetNode* n = z.first(); n; n = n->next()) all.push_back(n);
        for (std::size_t i = 0; i < wanted; ++i) {
            std::uniform_int_distribution<std::size_t> pick(i, all.size() - 1);
            std::swap(all[i], all[pick(rng())]);
            picked.push_back(all[i]);
        }
        return picked;
    }
    std::unordered_set<std::size_t> ranks;
    std::uniform_int_distribution<std::size_t> pick(0, z.size() - 1);
    while (picked.size() < wanted) {
        const std::size_t r = pick(rng());
        if (ranks.insert(r).second) picked.push_back(z.at_rank(r));
    }
    return picked;
}

void zrandmember_with_count(CommandContext& c, std::int64_t count, bool with_scores) {
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!z || count == 0) {
        c.out.array(0);
        return;
    }
    const bool unique = count > 0;
    const auto wanted = static_cast<std::size_t>(unique ? count : -count);
    if (!unique || wanted == 1) {
        if (repeated_sample_too_large(*z, wanted, with_scores)) {
            c.out.error("ERR value is out of range");
            return;
        }
        c.out.array(with_scores && c.out.protocol() < 3 ? wanted * 2 : wanted);
        for (std::size_t i = 0; i < wanted; ++i) reply_member(c, random_node(*z), with_scores);
        return;
    }
    if (wanted >= z->size()) {
        // The whole set, highest first: Redis walks it from the tail here.
        c.out.array(with_scores && c.out.protocol() < 3 ? z->size() * 2 : z->size());
        for (const ZSetNode* n = z->last(); n; n = n->prev()) reply_member(c, n, with_scores);
        return;
    }
    reply_members(c, distinct_sample(*z, wanted), with_scores);
}

void zrandmember_command(CommandContext& c) {
    if (c.argc() >= 3) {
        std::int64_t count = 0;
        bool with_scores = false;
        if (!random_count_args_or_reply(c, "withscores", count, with_scores)) return;
        zrandmember_with_count(c, count, with_scores);
        return;
    }
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!z) c.out.null();
    else c.out.bulk(random_node(*z)->member());
}

// --- ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD ---------------------------------

enum class SetOp { unite, intersect, subtract };
enum class Aggregate { sum, min, max };

// One input of a set operation: a sorted set, or a plain set whose members score 1.
struct Source {
    const ZSetValue* zset = nullptr;
    const SetValue* set = nullptr;
    double weight = 1;

    std::size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
    std::optional<double> score(std::string_view member) const {
        if (zset) return zset->score(member);
        if (set && set->contains(member)) return 1.0;
        return std::nullopt;
    }
    template <class F>
    void for_each(F&& fn) const {
        if (zset) zset->for_each(fn);
        else if (set) set->for_each([&](std::string_view m) { fn(m, 1.0); });
    }
    // weight * score as it enters an aggregate; may be NaN (inf * 0).
    double weighted(double score) const { return weight * score; }
    // The same, for the value that starts an aggregate: Redis counts a NaN start as 0.
    double weighted_start(double score) const {
        const double v = weighted(score);
        return std::isnan(v) ? 0.0 : v;
    }
};

// Redis's zunionInterAggregate, NaN rules included: a SUM that turns NaN (inf + -inf,
// x + inf * 0) restarts at 0, and MIN/MAX ignore a NaN value since every comparison with
// NaN is false.
void aggregate(double& target, double value, Aggregate how) {
    switch (how) {
        case Aggregate::sum:
            target += value;
            if (std::isnan(target)) target = 0.0;
            break;
        case Aggregate::min: target = value < target ? value : target; break;
        case Aggregate::max: target = value > target ? value : target; break;
    }
}

// Set operation results are built as Redis builds them, in a skiplist (so -0 scores
// survive in the reply); store_result re-encodes them.
ZSetValue skiplist_result() {
    ZSetValue result;
    result.convert_to_skiplist();
    return result;
}

// Redis's ZUNION loop zeroes every NaN product before aggregating it, unlike ZINTER's.
ZSetValue unite(const std::vector<Source>& sources, Aggregate how) {
    Dict<double> acc;
    for (const Source& s : sources) {
        s.for_each([&](std::string_view member, double score) {
            const double v = s.weighted_start(score);
            auto [slot, fresh] = acc.try_emplace(member);
            if (fresh) *slot = v;
            else aggregate(*slot, v, how);
        });
    }
    ZSetValue result = skiplist_result();
    acc.for_each([&](std::string_view member, double score) { result.set(member, score); });
    return result;
}

// Intersection over the smallest source (sources are sorted by size). `limit` (ZINTERCARD)
// stops counting early; 0 means no limit. With `result` null only the count is computed.
std::size_t intersect(const std::vector<Source>& sources, Aggregate how, ZSetValue* result, std::size_t limit) {
    std::size_t count = 0;
    if (sources.empty() || sources[0].size() == 0) return 0;
    bool done = false;
    sources[0].for_each([&](std::string_view member, double score) {
        if (done) return;
        double total = sources[0].weighted_start(score);
        for (std::size_t j = 1; j < sources.size(); ++j) {
            auto other = sources[j].score(member);
            if (!other) return;
            aggregate(total, sources[j].weighted(*other), how);
        }
        ++count;
        if (result) result->set(member, total);
        if (limit && count >= limit) done = true;
    });
    return count;
}

ZSetValue subtract(const std::vector<Source>& sources) {
    ZSetValue result = skiplist_result();
    if (sources.empty()) return result;
    sources[0].for_each([&](std::string_view member, double score) {
        for (std::size_t j = 1; j < sources.size(); ++j)
            if (sources[j].score(member)) return;
        result.set(member, score);
    });
    return result;
}

std::string_view store_event(SetOp op) {
    static constexpr std::string_view kNames[] = {"zunionstore", "zinterstore", "zdiffstore"};
    return kNames[static_cast<int>(op)];
}

struct SetOpRequest {
    SetOp op = SetOp::unite;
    bool store = false;          // ZUNIONSTORE & co: args[1] is the destination
    bool cardinality = false;    // ZINTERCARD
};

// Redis's zunionInterDiffGenericCommand, argument checks in its order.
void set_op_generic(CommandContext& c, SetOpRequest req) {
    const std::size_t numkeys_at = req.store ? 2 : 1;
    std::int64_t numkeys = 0;
    if (!int_arg_or_reply(c, c.arg(numkeys_at), numkeys)) return;
    if (numkeys < 1) {
        c.out.error("ERR at least 1 input key is needed for '" + std::string(c.spec->name) + "' command");
        return;
    }
    if (static_cast<std::uint64_t>(numkeys) > c.argc() - numkeys_at - 1) {
        c.out.error(errors::kSyntax);
        return;
    }
    const auto n = static_cast<std::size_t>(numkeys);
    std::vector<Source> sources(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string_view key = c.arg(numkeys_at + 1 + i);
        Entry* e = c.find_read(key);  // a read for the STORE forms too: Redis counts it, and notifies keymiss
        if (!e) continue;
        if (auto* z = std::get_if<ZSetValue>(&e->value)) sources[i].zset = z;
        else if (auto* s = std::get_if<SetValue>(&e->value)) sources[i].set = s;
        else {
            c.out.error(errors::kWrongType);
            return;
        }
    }
    Aggregate how = Aggregate::sum;
    bool with_scores = false;
    std::int64_t limit = 0;
    const bool weighted_op = req.op != SetOp::subtract && !req.cardinality;
    for (std::size_t j = numkeys_at + 1 + n; j < c.argc();) {
        const std::size_t remaining = c.argc() - j;
        const std::string_view a = c.arg(j);
        if (weighted_op && remaining >= n + 1 && option_is(a, "weights")) {
            ++j;
            for (std::size_t i = 0; i < n; ++i, ++j)
                if (!score_arg_or_reply(c, c.arg(j), sources[i].weight, "ERR weight value is not a float")) return;
        } else if (weighted_op && remaining >= 2 && option_is(a, "aggregate")) {
            const std::string_view how_arg = c.arg(j + 1);
            if (option_is(how_arg, "sum")) how = Aggregate::sum;
            else if (option_is(how_arg, "min")) how = Aggregate::min;
            else if (option_is(how_arg, "max")) how = Aggregate::max;
            else {
                c.out.error(errors::kSyntax);
                return;
            }
            j += 2;
        } else if (!req.store && !req.cardinality && option_is(a, "withscores")) {
            with_scores = true;
            ++j;
        } else if (req.cardinality && remaining >= 2 && option_is(a, "limit")) {
            auto v = parse_int(c.arg(j + 1));
            if (!v || *v < 0) {
                c.out.error("ERR LIMIT can't be negative");
                return;
            }
            limit = *v;
            j += 2;
        } else {
            c.out.error(errors::kSyntax);
            return;
        }
    }
    // Smallest first, as Redis orders them: intersections then probe the fewest members.
    if (req.op != SetOp::subtract)
        std::stable_sort(sources.begin(), sources.end(),
                         [](const Source& a, const Source& b) { return a.size() < b.size(); });

    if (req.cardinality) {
        c.out.integer(static_cast<std::int64_t>(intersect(sources, how, nullptr, static_cast<std::size_t>(limit))));
        return;
    }
    ZSetValue result = skiplist_result();
    switch (req.op) {
        case SetOp::unite: result = unite(sources, how); break;
        case SetOp::intersect: intersect(sources, how, &result, 0); break;
        case SetOp::subtract: result = subtract(sources); break;
    }
    if (req.store) store_result(c, c.arg(1), std::move(result), store_event(req.op));
    else reply_whole_set(c, result, with_scores);
}

void zunion_command(CommandContext& c) { set_op_generic(c, {SetOp::unite, false, false}); }
void zinter_command(CommandContext& c) { set_op_generic(c, {SetOp::intersect, false, false}); }
void zdiff_command(CommandContext& c) { set_op_generic(c, {SetOp::subtract, false, false}); }
void zunionstore_command(CommandContext& c) { set_op_generic(c, {SetOp::unite, true, false}); }
void zinterstore_command(CommandContext& c) { set_op_generic(c, {SetOp::intersect, true, false}); }
void zdiffstore_command(CommandContext& c) { set_op_generic(c, {SetOp::subtract, true, false}); }
void zintercard_command(CommandContext& c) { set_op_generic(c, {SetOp::intersect, false, true}); }

// --- ZSCAN ----------------------------------------------------------------------------------

void zscan_command(CommandContext& c) {
    std::uint64_t cursor = 0;
    if (!scan_cursor_or_reply(c, c.arg(2), cursor)) return;
    bool replied = false;
    ZSetValue* z = zset_for_read(c, c.arg(1), replied);
    if (replied) return;
    if (!z) {
        reply_scan(c, 0, {});
        return;
    }
    ScanOptions o;
    if (!scan_options_or_reply(c, 3, false, o)) return;
    std::vector<std::pair<std::string_view, double>> found;
    auto collect = [&](std::string_view member, double score) {
        if (o.use_pattern && !glob_match(o.pattern, member)) return;
        found.emplace_back(member, score);
    };
    if (z->is_listpack()) {
        // A small set comes back whole, in order, as Redis returns a listpack.
        z->for_each(collect);
        cursor = 0;
    } else {
        std::int64_t budget = o.count * 10;
        do {
            cursor = z->scan(cursor, collect);
        } while (cursor && budget-- && static_cast<std::int64_t>(found.size()) < o.count);
    }
    std::vector<std::string> scores;
    scores.reserve(found.size());
    for (const auto& f : found) scores.push_back(resp::ReplyWriter::format_double(f.second));
    std::vector<std::string_view> items;
    items.reserve(found.size() * 2);
    for (std::size_t i = 0; i < found.size(); ++i) {
        items.push_back(found[i].first);
        items.push_back(scores[i]);
    }
    reply_scan(c, cursor, items);
}

// --- key finders for numkeys commands -------------------------------------------------------

// Appends positions first..first+numkeys-1 when args[numkeys_at] is a usable count.
void numkeys_positions(std::span<const std::string_view> args, std::size_t numkeys_at,
                       std::vector<std::size_t>& positions) {
    if (numkeys_at >= args.size()) return;
    auto n = parse_int(args[numkeys_at]);
    if (!n || *n < 1) return;
    const std::size_t available = args.size() - numkeys_at - 1;
    const std::size_t count = std::min<std::uint64_t>(static_cast<std::uint64_t>(*n), available);
    for (std::size_t i = 0; i < count; ++i) positions.push_back(numkeys_at + 1 + i);
}

// ZUNION, ZINTER, ZDIFF, ZINTERCARD, ZMPOP: numkeys key [key ...]
void keys_after_numkeys_at_1(std::span<const std::string_view> args, std::vector<std::size_t>& positions) {
    numkeys_positions(args, 1, positions);
}
// ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE: destination numkeys key [key ...]
void keys_of_store(std::span<const std::string_view> args, std::vector<std::size_t>& positions) {
    if (args.size() > 1) positions.push_back(1);
    numkeys_positions(args, 2, positions);
}
// BZMPOP: timeout numkeys key [key ...]
void keys_of_bzmpop(std::span<const std::string_view> args, std::vector<std::size_t>& positions) {
    numkeys_positions(args, 2, positions);
}

constexpr std::uint32_t kWriteDenyOomFast = kWrite | kDenyOom | kFast;
constexpr KeyRange kFirstKey{1, 1, 1};
constexpr KeyRange kNoKeys{0, 0, 0};
constexpr std::string_view kGroup = "sorted-set";

constexpr std::string_view kRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";
constexpr std::string_view kRangeByComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being "
    "returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider "
    "it O(log(N)).";
constexpr std::string_view kRemoveRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed "
    "by the operation.";
constexpr std::string_view kPopComplexity =
    "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements "
    "popped.";
constexpr std::string_view kMPopComplexity =
    "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted "
    "set, and M being the number of elements popped.";
constexpr std::string_view kUnionComplexity =
    "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of "
    "elements in the resulting sorted set.";
constexpr std::string_view kInterComplexity =
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input "
    "sorted sets and M being the number of elements in the resulting sorted set.";
constexpr std::string_view kDiffComplexity =
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of "
    "the first set, and K is the size of the result set.";

const CommandSpec kZSetCommands[] = {
    {"zadd", -4, kWriteDenyOomFast | kKeysWriteOnly, kFirstKey, zadd_command, kGroup, "1.2.0",
     "Add one or more members to a sorted set, or update its score if it already exists",
     "O(log(N)) for each item added, where N is the number of elements in the sorted set."},
    {"zincrby", 4, kWriteDenyOomFast, kFirstKey, zincrby_command, kGroup, "1.2.0",
     "Increment the score of a member in a sorted set",
     "O(log(N)) where N is the number of elements in the sorted set."},
    {"zscore", 3, kReadonly | kFast, kFirstKey, zscore_command, kGroup, "1.2.0",
     "Get the score associated with the given member in a sorted set", "O(1)"},
    {"zmscore", -3, kReadonly | kFast, kFirstKey, zmscore_command, kGroup, "6.2.0",
     "Get the score associated with the given members in a sorted set",
     "O(N) where N is the number of members being requested."},
    {"zcard", 2, kReadonly | kFast | kKeysBlind, kFirstKey, zcard_command, kGroup, "1.2.0",
     "Get the number of members in a sorted set", "O(1)"},
    {"zcount", 4, kReadonly | kFast, kFirstKey, zcount_command, kGroup, "2.0.0",
     "Count the members in a sorted set with scores within the given values",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"zlexcount", 4, kReadonly | kFast, kFirstKey, zlexcount_command, kGroup, "2.8.9",
     "Count the number of members in a sorted set between a given lexicographical range",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"zrange", -4, kReadonly, kFirstKey, zrange_command, kGroup, "1.2.0",
     "Return a range of members in a sorted set", kRangeComplexity},
    {"zrangestore", -5, kWrite | kDenyOom | kDestFirst | kKeysReadOnly, {1, 2, 1}, zrangestore_command, kGroup, "6.2.0",
     "Store a range of members from sorted set into another key",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored "
     "into the destination key."},
    {"zrevrange", -4, kReadonly, kFirstKey, zrevrange_command, kGroup, "1.2.0",
     "Return a range of members in a sorted set, by index, with scores ordered from high to low",
     kRangeComplexity},
    {"zrangebyscore", -4, kReadonly, kFirstKey, zrangebyscore_command, kGroup, "1.0.5",
     "Return a range of members in a sorted set, by score", kRangeByComplexity},
    {"zrevrangebyscore", -4, kReadonly, kFirstKey, zrevrangebyscore_command, kGroup, "2.2.0",
     "Return a range of members in a sorted set, by score, with scores ordered from high to low",
     kRangeByComplexity},
    {"zrangebylex", -4, kReadonly, kFirstKey, zrangebylex_command, kGroup, "2.8.9",
     "Return a range of members in a sorted set, by lexicographical range", kRangeByComplexity},
    {"zrevrangebylex", -4, kReadonly, kFirstKey, zrevrangebylex_command, kGroup, "2.8.9",
     "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower "
     "strings.",
     kRangeByComplexity},
    // Arity -3 rather than 7.0's 3: WITHSCORE (Redis 7.2) is accepted.
    {"zrank", -3, kReadonly | kFast, kFirstKey, zrank_command, kGroup, "2.0.0",
     "Determine the index of a member in a sorted set", "O(log(N))"},
    {"zrevrank", -3, kReadonly | kFast, kFirstKey, zrevrank_command, kGroup, "2.0.0",
     "Determine the index of a member in a sorted set, with scores ordered from high to low", "O(log(N))"},
    {"zrem", -3, kWrite | kFast | kKeysWriteOnly, kFirstKey, zrem_command, kGroup, "1.2.0",
     "Remove one or more members from a sorted set",
     "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be "
     "removed."},
    {"zremrangebyrank", 4, kWrite | kKeysWriteOnly, kFirstKey, zremrangebyrank_command, kGroup, "2.0.0",
     "Remove all members in a sorted set within the given indexes", kRemoveRangeComplexity},
    {"zremrangebyscore", 4, kWrite | kKeysWriteOnly, kFirstKey, zremrangebyscore_command, kGroup, "1.2.0",
     "Remove all members in a sorted set within the given scores", kRemoveRangeComplexity},
    {"zremrangebylex", 4, kWrite | kKeysWriteOnly, kFirstKey, zremrangebylex_command, kGroup, "2.8.9",
     "Remove all members in a sorted set between the given lexicographical range", kRemoveRangeComplexity},
    {"zpopmin", -2, kWrite | kFast, kFirstKey, zpopmin_command, kGroup, "5.0.0",
     "Remove and return members with the lowest scores in a sorted set", kPopComplexity},
    {"zpopmax", -2, kWrite | kFast, kFirstKey, zpopmax_command, kGroup, "5.0.0",
     "Remove and return members with the highest scores in a sorted set", kPopComplexity},
    {"zmpop", -4, kWrite, kNoKeys, zmpop_command, kGroup, "7.0.0",
     "Remove and return members with scores in a sorted set", kMPopComplexity, {}, keys_after_numkeys_at_1},
    {"zrandmember", -2, kReadonly, kFirstKey, zrandmember_command, kGroup, "6.2.0",
     "Get one or multiple random elements from a sorted set", "O(N) where N is the number of elements returned"},
    {"zunion", -3, kReadonly, kNoKeys, zunion_command, kGroup, "6.2.0", "Add multiple sorted sets",
     kUnionComplexity, {}, keys_after_numkeys_at_1},
    {"zinter", -3, kReadonly, kNoKeys, zinter_command, kGroup, "6.2.0", "Intersect multiple sorted sets",
     kInterComplexity, {}, keys_after_numkeys_at_1},
    {"zdiff", -3, kReadonly, kNoKeys, zdiff_command, kGroup, "6.2.0", "Subtract multiple sorted sets",
     kDiffComplexity, {}, keys_after_numkeys_at_1},
    {"zunionstore", -4, kWrite | kDenyOom | kDestFirst | kKeysReadOnly, kNoKeys, zunionstore_command, kGroup, "2.0.0",
     "Add multiple sorted sets and store the resulting sorted set in a new key",
     "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of "
     "elements in the resulting sorted set.",
     {}, keys_of_store},
    {"zinterstore", -4, kWrite | kDenyOom | kDestFirst | kKeysReadOnly, kNoKeys, zinterstore_command, kGroup, "2.0.0",
     "Intersect multiple sorted sets and store the resulting sorted set in a new key", kInterComplexity, {},
     keys_of_store},
    {"zdiffstore", -4, kWrite | kDenyOom | kDestFirst | kKeysReadOnly, kNoKeys, zdiffstore_command, kGroup, "6.2.0",
     "Subtract multiple sorted sets and store the resulting sorted set in a new key", kDiffComplexity, {},
     keys_of_store},
    {"zintercard", -3, kReadonly, kNoKeys, zintercard_command, kGroup, "7.0.0",
     "Intersect multiple sorted sets and return the cardinality of the result",
     "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
     {}, keys_after_numkeys_at_1},
    {"zscan", -3, kReadonly, kFirstKey, zscan_command, kGroup, "2.8.0",
     "Incrementally iterate sorted sets elements and associated scores",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to "
     "return back to 0. N is the number of elements inside the collection.."},
    {"bzpopmin", -3, kWrite | kNoscript | kBlocking | kFast, {1, -2, 1}, bzpopmin_command, kGroup, "5.0.0",
     "Remove and return the member with the lowest score from one or more sorted sets, or block until one is "
     "available",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"bzpopmax", -3, kWrite | kNoscript | kBlocking | kFast, {1, -2, 1}, bzpopmax_command, kGroup, "5.0.0",
     "Remove and return the member with the highest score from one or more sorted sets, or block until one "
     "is available",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"bzmpop", -5, kWrite | kBlocking, kNoKeys, bzmpop_command, kGroup, "7.0.0",
     "Remove and return members with scores in a sorted set or block until one is available", kMPopComplexity,
     {}, keys_of_bzmpop},
};

}  // namespace

std::span<const CommandSpec> zset_commands() { return kZSetCommands; }

}  // namespace corokv
