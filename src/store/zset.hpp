// A sorted set value (Redis's t_zset): a skiplist with span counts, so rank and range
// lookups are O(log n), plus a hash index member -> node for O(1) ZSCORE.
//
// Both structures share one allocation per member: the skiplist node carries its own hash
// chain link and the member bytes inline, so a member costs one malloc (about 80 bytes for
// a short member) instead of a dict entry + an sds + a skiplist node as in Redis. The node
// does not keep its hash (a rehash computes it again, as Redis's dict does): 8 bytes less
// per member, and smaller nodes mean fewer cache misses on a big set's skiplist searches.
//
// Redis keeps small sorted sets in a listpack. We always use the skiplist (it is fast at
// every size) and only track what OBJECT ENCODING would say: "listpack" while the set has
// at most 128 members of at most 64 bytes each, "skiplist" from then on (one-way, as Redis).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace corokv {

class ZSetValue;

// One member of a sorted set. Read-only to the outside world; ZSetValue owns it.
class ZSetNode {
public:
    std::string_view member() const { return {member_bytes(), length_}; }
    double score() const { return score_; }
    // In-order neighbours (ascending score, then member bytes); nullptr at the ends.
    const ZSetNode* next() const { return levels()[0].forward; }
    const ZSetNode* prev() const { return backward_; }

private:
    friend class ZSetValue;
    struct Level {
        ZSetNode* forward;
        std::size_t span;   // how many level-0 steps this link jumps
    };

    Level* levels() { return reinterpret_cast<Level*>(this + 1); }
    const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
    char* member_bytes() { return reinterpret_cast<char*>(levels() + height_); }
    const char* member_bytes() const { return reinterpret_cast<const char*>(levels() + height_); }

    // score_ comes last, right before the levels: a skiplist search reads a node's score and
    // one of its forward links, and this way both usually sit in the same cache line.
    ZSetNode* chain_ = nullptr;   // next node in the same hash bucket
    ZSetNode* backward_ = nullptr;
    std::uint32_t length_ = 0;
    std::uint8_t height_ = 0;
    double score_ = 0;
};

// A score interval as ZRANGEBYSCORE takes it: "(1" is exclusive, "-inf"/"+inf" open ends.
struct ScoreRange {
    double min = 0, max = 0;
    bool min_exclusive = false, max_exclusive = false;

    bool above_min(double v) const { return min_exclusive ? v > min : v >= min; }
    bool below_max(double v) const { return max_exclusive ? v < max : v <= max; }
    bool empty() const { return min > max || (min == max && (min_exclusive || max_exclusive)); }
};

// One end of a lexicographic interval: "-" / "+" are the open ends, "[a" inclusive, "(a"
// exclusive. `value` views the client's argument.
struct LexBound {
    enum class Kind : std::uint8_t { inclusive, exclusive, minus_infinity, plus_infinity };
    Kind kind = Kind::minus_infinity;
    std::string_view value;
};

struct LexRange {
    LexBound min, max;

    bool above_min(std::string_view v) const;
    bool below_max(std::string_view v) const;
    bool empty() const;
};

class ZSetValue {
public:
    static constexpr std::size_t kMaxListpackEntries = 128;
    static constexpr std::size_t kMaxListpackValue = 64;

    ZSetValue() = default;
    ZSetValue(const ZSetValue& other);   // deep copy (COPY, SORT ... STORE sources)
    ZSetValue& operator=(const ZSetValue& other);
    ZSetValue(ZSetValue&& other) noexcept;
    ZSetValue& operator=(ZSetValue&& other) noexcept;
    ~ZSetValue();

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const char* encoding_name() const { return listpack_ ? "listpack" : "skiplist"; }
    bool is_listpack() const { return listpack_; }
    // A freshly stored result (ZUNIONSTORE, ZRANGESTORE, ...) is re-encoded from scratch
    // in Redis, so it may be "listpack" again even if it was built as a big set.
    void reset_encoding();
    // Redis's zsetConvert(zobj, OBJ_ENCODING_SKIPLIST), which SORT applies to the set it sorts
    // and the set operations apply to the result they build: from now on OBJECT ENCODING
    // says "skiplist" and a -0 score is kept as -0 (a listpack would store it as 0).
    void convert_to_skiplist() { listpack_ = false; }
    // Heap bytes of the nodes and the hash index (MEMORY USAGE), sampled up to `samples` members.
    std::size_t allocated_bytes(std::size_t samples) const;

    // --- members: O(1) expected for the hash lookups, O(log n) for skiplist changes ----------
    const ZSetNode* find(std::string_view member) const;
    std::optional<double> score(std::string_view member) const;
    // Adds `member` or moves it to `score`; returns true if it was new. O(log n).
    bool set(std::string_view member, double score);
    // Moves a member found with find() to `score`, saving set()'s second hash lookup. O(log n).
    void update_score(const ZSetNode* node, double score);
    // Removes `member`; false if it was absent. O(log n).
    bool erase(std::string_view member);

    // --- order: all O(log n) ---------------------------------------------------------------
    const ZSetNode* first() const { return header_ ? header_->levels()[0].forward : nullptr; }
    const ZSetNode* last() const { return tail_; }
    // 0-based position in ascending order.
    std::optional<std::size_t> rank(std::string_view member) const;
    std::size_t rank_of(const ZSetNode* node) const;
    // The member at 0-based `rank`, or nullptr past the end.
    const ZSetNode* at_rank(std::size_t rank) const;
    // The lowest / highest member inside a range, or nullptr if none is.
    const ZSetNode* first_in(const ScoreRange& range) const;
    const ZSetNode* last_in(const ScoreRange& range) const;
    const ZSetNode* first_in(const LexRange& range) const;
    const ZSetNode* last_in(const LexRange& range) const;

    // --- bulk removal: O(log n + removed) --------------------------------------------------
    // Removes the members at 0-based ranks start..end (inclusive, both < size()).
    std::size_t erase_ranks(std::size_t start, std::size_t end);
    std::size_t erase_range(const ScoreRange& range);
    std::size_t erase_range(const LexRange& range);

    // Read-only in-order iteration (ascending score, ties by member bytes) for code outside
    // the sorted-set family, e.g. SORT: fn(std::string_view member, double score).
    // Equivalent to walking first() ... next().
    template <class F>
    void for_each(F&& fn) const {
        for (const ZSetNode* n = first(); n; n = n->next()) fn(n->member(), n->score());
    }

    // ZSCAN: visits one hash bucket chosen by `cursor` and returns the next cursor (0 when
    // done), with Redis's reverse-binary cursor so a resize never skips members.
    template <class F>
    std::uint64_t scan(std::uint64_t cursor, F&& fn) const {
        if (buckets_.empty()) return 0;
        const std::uint64_t mask = buckets_.size() - 1;
        for (const ZSetNode* n = buckets_[cursor & mask]; n; n = n->chain_) fn(n->member(), n->score());
        cursor |= ~mask;
        cursor = reverse_bits(cursor);
        ++cursor;
        return reverse_bits(cursor);
    }

private:
    static constexpr int kMaxLevel = 32;
    using Level = ZSetNode::Level;

    static ZSetNode* allocate(std::string_view member, double score, int height);
    static void release(ZSetNode* n);
    static int random_height();
    static std::uint64_t reverse_bits(std::uint64_t v);

    // Skiplist plumbing.
    void ensure_header(int height);
    void link(ZSetNode* node);                         // insert at its (score, member) place
    // Links `node` after update[i] at each level; rank[i] is update[i]'s rank (header = 0).
    void link_after(ZSetNode* node, ZSetNode** update, std::size_t* rank);
    void move(ZSetNode* node, double score);
    void unlink(ZSetNode* node, ZSetNode** update);    // update[i]: predecessor at level i
    void find_predecessors(double score, std::string_view member, ZSetNode** update) const;
    void note_member(std::string_view member);

    // Hash index plumbing.
    ZSetNode* find_node(std::string_view member, std::uint64_t hash) const;
    void hash_insert(ZSetNode* node, std::uint64_t hash);
    void hash_remove(ZSetNode* node);
    void rehash(std::size_t buckets);
    ZSetNode*& bucket_of(const ZSetNode* node);

    template <class Inside>
    std::size_t erase_while(ZSetNode** update, Inside&& inside);
    void copy_from(const ZSetValue& other);
    void destroy();

    ZSetNode* header_ = nullptr;   // sentinel with `header_levels_` levels; allocated lazily
    ZSetNode* tail_ = nullptr;
    std::size_t size_ = 0;
    int level_ = 1;                // levels in use
    int header_levels_ = 0;
    bool listpack_ = true;
    std::vector<ZSetNode*> buckets_;
};

}  // namespace corokv
