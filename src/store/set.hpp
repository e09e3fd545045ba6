// A set value (Redis 7.0's t_set). Two encodings, as OBJECT ENCODING reports them:
//   "intset"    every member is an integer (Redis's string2ll form) and there are at most
//               set-max-intset-entries (512) of them: a sorted vector of int64;
//   "hashtable" anything else: a chained hash table whose nodes carry the member bytes.
// The switch from intset to hashtable is one-way, as in Redis (only SPOP's rebuild of a set
// it mostly emptied starts over, exactly as Redis's spopWithCountCommand does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace corokv {

// The table behind the "hashtable" encoding. Why not Dict<Empty>: a Dict node stores a
// std::string (32 bytes), the hash (8) and a next pointer (8) and rounds up to a 64-byte
// malloc chunk. Here a node is one allocation: [next pointer][varint length][bytes], so a
// member of up to 15 bytes fits a 32-byte chunk. Hashes are recomputed on resize instead of
// stored. The bucket layout (power of two, chained) keeps Redis's SCAN guarantee: the
// reverse-binary cursor walk of dictScan never misses a member across resizes.
class MemberTable {
public:
    MemberTable() = default;
    MemberTable(const MemberTable& other);
    MemberTable& operator=(const MemberTable& other);
    MemberTable(MemberTable&& other) noexcept;
    MemberTable& operator=(MemberTable&& other) noexcept;
    ~MemberTable() { clear(); }

    std::size_t size() const { return size_; }
    bool contains(std::string_view member) const;
    bool insert(std::string_view member);   // true when the member is new
    bool erase(std::string_view member);    // true when the member was there
    void clear();
    void reserve(std::size_t members);

    template <class F>
    void for_each(F&& fn) const {
        for (char* head : buckets_)
            for (char* n = head; n; n = next_of(n)) fn(member_of(n));
    }
    // Visits one bucket picked by `cursor` and returns the next cursor (0 = done).
    template <class F>
    std::uint64_t scan(std::uint64_t cursor, F&& fn) const {
        if (buckets_.empty()) return 0;
        const std::uint64_t m = buckets_.size() - 1;
        for (char* n = buckets_[cursor & m]; n; n = next_of(n)) fn(member_of(n));
        cursor |= ~m;
        cursor = reverse_bits(cursor);
        ++cursor;
        return reverse_bits(cursor);
    }
    // A random member: a uniformly chosen non-empty bucket, then a node in its chain (as
    // Redis's dictGetRandomKey). The view lives until the member is erased.
    std::string_view random_member(std::mt19937_64& rng) const;
    std::size_t allocated_bytes(std::size_t samples) const;

private:
    static char* next_of(const char* node);
    static void set_next(char* node, char* next);
    static std::string_view member_of(const char* node);
    static char* make_node(std::string_view member);
    static std::uint64_t reverse_bits(std::uint64_t v);

    std::size_t bucket_of(std::string_view member) const;
    void rehash(std::size_t bucket_count);
    void grow_if_needed();
    void shrink_if_needed();

    std::vector<char*> buckets_;
    std::size_t size_ = 0;
};

class SetValue {
public:
    static constexpr std::size_t kMaxIntsetEntries = 512;   // set-max-intset-entries

    // An empty set with the encoding Redis's setTypeCreate picks for its first member.
    static SetValue for_first_member(std::string_view member);
    // An empty set that starts as an intset (the *STORE commands' result, createIntsetObject).
    SetValue() = default;

    std::size_t size() const { return is_intset_ ? ints_.size() : table_.size(); }
    bool empty() const { return size() == 0; }
    const char* encoding_name() const { return is_intset_ ? "intset" : "hashtable"; }
    bool is_intset() const { return is_intset_; }

    bool add(std::string_view member);      // true when the member is new
    bool remove(std::string_view member);   // true when the member was there
    bool contains(std::string_view member) const;

    // Calls fn(std::string_view) for every member: intsets in ascending order, hashtables in
    // table order. An intset member's view points into a scratch buffer valid for the call.
    template <class F>
    void for_each(F&& fn) const {
        if (is_intset_) {
            char buf[24];
            for (std::int64_t n : ints_) fn(format(n, buf));
        } else {
            table_.for_each(fn);
        }
    }
    // Redis's scan of a set: an intset is returned whole (cursor 0), a hashtable one bucket
    // per call.
    template <class F>
    std::uint64_t scan(std::uint64_t cursor, F&& fn) const {
        if (!is_intset_) return table_.scan(cursor, fn);
        for_each(fn);
        return 0;
    }

    // A uniformly random member; an intset member is formatted into `scratch`.
    std::string_view random_member(std::mt19937_64& rng, char (&scratch)[24]) const;
    // Heap bytes of the members and tables (MEMORY USAGE), sampled up to `samples` members.
    std::size_t allocated_bytes(std::size_t samples) const;

    // Views of every member that stay valid until the set changes (for sampling without
    // copying bytes); intset members are formatted into `digits`.
    struct Digits {
        char text[24];
    };
    void collect(std::vector<std::string_view>& views, std::vector<Digits>& digits) const;

private:
    static std::string_view format(std::int64_t n, char (&buf)[24]);
    void convert_to_table();

    std::vector<std::int64_t> ints_;   // sorted, only while is_intset_
    MemberTable table_;                 // only once converted
    bool is_intset_ = true;
};

}  // namespace corokv
