#include "store/set.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>

#include "store/memory.hpp"
#include <cstring>
#include <new>
#include <utility>

#include "store/dict.hpp"
#include "store/values.hpp"

namespace corokv {

// --- MemberTable: node layout -------------------------------------------------------------

namespace {
constexpr std::size_t kMinBuckets = 4;
constexpr std::size_t kNextBytes = sizeof(char*);

// LEB128: one byte for members shorter than 128 bytes, which is nearly all of them.
std::size_t varint_size(std::size_t n) {
    std::size_t bytes = 1;
    while (n >= 0x80) {
        n >>= 7;
        ++bytes;
    }
    return bytes;
}
char* write_varint(char* p, std::size_t n) {
    while (n >= 0x80) {
        *p++ = static_cast<char>((n & 0x7f) | 0x80);
        n >>= 7;
    }
    *p++ = static_cast<char>(n);
    return p;
}
const char* read_varint(const char* p, std::size_t& n) {
    n = 0;
    for (int shift = 0;; shift += 7) {
        const auto byte = static_cast<unsigned char>(*p++);
        n |= static_cast<std::size_t>(byte & 0x7f) << shift;
        if (!(byte & 0x80)) return p;
    }
}
}  // namespace

char* MemberTable::next_of(const char* node) {
    char* next;
    std::memcpy(&next, node, kNextBytes);
    return next;
}

void MemberTable::set_next(char* node, char* next) { std::memcpy(node, &next, kNextBytes); }

std::string_view MemberTable::member_of(const char* node) {
    std::size_t len = 0;
    const char* bytes = read_varint(node + kNextBytes, len);
    return {bytes, len};
}

char* MemberTable::make_node(std::string_view member) {
    const std::size_t size = kNextBytes + varint_size(member.size()) + member.size();
    // operator new, not malloc: the block is then counted in used memory (store/memory.hpp).
    auto* node = static_cast<char*>(::operator new(size));
    set_next(node, nullptr);
    char* bytes = write_varint(node + kNextBytes, member.size());
    if (!member.empty()) std::memcpy(bytes, member.data(), member.size());
    return node;
}

std::uint64_t MemberTable::reverse_bits(std::uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

// --- MemberTable: operations --------------------------------------------------------------

MemberTable::MemberTable(const MemberTable& other) {
    if (other.size_ == 0) return;
    buckets_.assign(other.buckets_.size(), nullptr);
    other.for_each([&](std::string_view m) {
        char* node = make_node(m);
        char*& head = buckets_[bucket_of(m)];
        set_next(node, head);
        head = node;
    });
    size_ = other.size_;
}

MemberTable& MemberTable::operator=(const MemberTable& other) {
    if (this != &other) {
        MemberTable copy(other);
        *this = std::move(copy);
    }
    return *this;
}

MemberTable::MemberTable(MemberTable&& other) noexcept
    : buckets_(std::move(other.buckets_)), size_(std::exchange(other.size_, 0)) {
    other.buckets_.clear();
}

MemberTable& MemberTable::operator=(MemberTable&& other) noexcept {
    if (this != &other) {
        clear();
        buckets_ = std::move(other.buckets_);
        other.buckets_.clear();
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

void MemberTable::clear() {
    for (char*& head : buckets_) {
        while (head) {
            char* next = next_of(head);
            ::operator delete(head);
            head = next;
        }
    }
    buckets_.clear();
    buckets_.shrink_to_fit();
    size_ = 0;
}

std::size_t MemberTable::bucket_of(std::string_view member) const {
    return hash_bytes(member) & (buckets_.size() - 1);
}

bool MemberTable::contains(std::string_view member) const {
    if (buckets_.empty()) return false;
    for (char* n = buckets_[bucket_of(member)]; n; n = next_of(n))
        if (member_of(n) == member) return true;
    return false;
}

bool MemberTable::insert(std::string_view member) {
    if (contains(member)) return false;
    grow_if_needed();
    char* node = make_node(member);
    char*& head = buckets_[bucket_of(member)];
    set_next(node, head);
    head = node;
    ++size_;
    return true;
}

bool MemberTable::erase(std::string_view member) {
    if (buckets_.empty()) return false;
    char*& head = buckets_[bucket_of(member)];
    for (char *prev = nullptr, *n = head; n; prev = n, n = next_of(n)) {
        if (member_of(n) != member) continue;
        if (prev) set_next(prev, next_of(n));
        else head = next_of(n);
        ::operator delete(n);
        --size_;
        shrink_if_needed();
        return true;
    }
    return false;
}

void MemberTable::reserve(std::size_t members) {
    const std::size_t wanted = std::max(kMinBuckets, std::bit_ceil(members));
    if (wanted > buckets_.size()) rehash(wanted);
}

std::string_view MemberTable::random_member(std::mt19937_64& rng) const {
    std::uniform_int_distribution<std::size_t> pick_bucket(0, buckets_.size() - 1);
    char* head = nullptr;
    while (!head) head = buckets_[pick_bucket(rng)];
    std::size_t len = 0;
    for (char* n = head; n; n = next_of(n)) ++len;
    std::size_t skip = std::uniform_int_distribution<std::size_t>(0, len - 1)(rng);
    while (skip--) head = next_of(head);
    return member_of(head);
}

void MemberTable::grow_if_needed() {
    if (buckets_.empty()) rehash(kMinBuckets);
    else if (size_ + 1 > buckets_.size()) rehash(buckets_.size() * 2);
}

// Shrinks below 1/8 fill, as Redis resizes a dict under 10% fill: a set that was big and
// got popped down should not keep its bucket array.
void MemberTable::shrink_if_needed() {
    if (size_ == 0) {
        buckets_.clear();
        buckets_.shrink_to_fit();
    } else if (buckets_.size() > kMinBuckets && size_ * 8 < buckets_.size()) {
        rehash(std::max(kMinBuckets, std::bit_ceil(size_) * 2));
    }
}

void MemberTable::rehash(std::size_t bucket_count) {
    std::vector<char*> old = std::move(buckets_);
    buckets_.assign(bucket_count, nullptr);
    for (char* head : old) {
        while (head) {
            char* next = next_of(head);
            char*& slot = buckets_[bucket_of(member_of(head))];
            set_next(head, slot);
            slot = head;
            head = next;
        }
    }
}

// --- SetValue -----------------------------------------------------------------------------

SetValue SetValue::for_first_member(std::string_view member) {
    SetValue s;
    if (!parse_strict_int64(member)) s.is_intset_ = false;
    return s;
}

std::string_view SetValue::format(std::int64_t n, char (&buf)[24]) { return format_int64(n, buf); }

bool SetValue::add(std::string_view member) {
    if (is_intset_) {
        if (auto n = parse_strict_int64(member)) {
            auto it = std::lower_bound(ints_.begin(), ints_.end(), *n);
            if (it != ints_.end() && *it == *n) return false;
            ints_.insert(it, *n);
            if (ints_.size() > kMaxIntsetEntries) convert_to_table();
            return true;
        }
        convert_to_table();
    }
    return table_.insert(member);
}

bool SetValue::remove(std::string_view member) {
    if (!is_intset_) return table_.erase(member);
    auto n = parse_strict_int64(member);
    if (!n) return false;
    auto it = std::lower_bound(ints_.begin(), ints_.end(), *n);
    if (it == ints_.end() || *it != *n) return false;
    ints_.erase(it);
    return true;
}

bool SetValue::contains(std::string_view member) const {
    if (!is_intset_) return table_.contains(member);
    auto n = parse_strict_int64(member);
    return n && std::binary_search(ints_.begin(), ints_.end(), *n);
}

std::string_view SetValue::random_member(std::mt19937_64& rng, char (&scratch)[24]) const {
    if (!is_intset_) return table_.random_member(rng);
    std::uniform_int_distribution<std::size_t> pick(0, ints_.size() - 1);
    return format(ints_[pick(rng)], scratch);
}

void SetValue::collect(std::vector<std::string_view>& views, std::vector<Digits>& digits) const {
    views.reserve(views.size() + size());
    if (!is_intset_) {
        table_.for_each([&](std::string_view m) { views.push_back(m); });
        return;
    }
    // Reserved up front so the views into `digits` never move.
    digits.clear();
    digits.resize(ints_.size());
    for (std::size_t i = 0; i < ints_.size(); ++i) views.push_back(format(ints_[i], digits[i].text));
}

void SetValue::convert_to_table() {
    table_.reserve(ints_.size() + 1);
    char buf[24];
    for (std::int64_t n : ints_) table_.insert(format(n, buf));
    ints_.clear();
    ints_.shrink_to_fit();
    is_intset_ = false;
}

std::size_t MemberTable::allocated_bytes(std::size_t samples) const {
    memory::ElementSampler sampler(samples);
    for (char* head : buckets_) {
        for (char* n = head; n && sampler.wants_more(); n = next_of(n)) sampler.add(memory::block_size(n));
        if (!sampler.wants_more()) break;
    }
    const std::size_t table = buckets_.empty() ? 0 : memory::block_size(buckets_.data());
    return table + sampler.estimate(size_);
}

std::size_t SetValue::allocated_bytes(std::size_t samples) const {
    if (is_intset_) return ints_.empty() ? 0 : memory::block_size(ints_.data());
    return table_.allocated_bytes(samples);
}

}  // namespace corokv
