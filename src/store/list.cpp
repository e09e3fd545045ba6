#include "store/list.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdlib>

#include "store/memory.hpp"
#include <cstring>
#include <new>
#include <utility>

#include "store/values.hpp"

namespace corokv {
namespace {

// Entry layout inside a node:  header | payload | back-length.
//   header 0xxxxxxx             string of 0..127 bytes
//          10xxxxxx xxxxxxxx    string of up to 16383 bytes
//          1100nnnn             integer in n (1..8) little-endian two's-complement bytes
//          11110000 + 4 bytes   longer string, little-endian length
//   back-length: size of header + payload, 7 bits per byte, read from the last byte
//   backwards; a set top bit means another byte sits to its left (as Redis's listpack).
constexpr unsigned char kStr14 = 0x80;
constexpr unsigned char kInt = 0xC0;
constexpr unsigned char kStr32 = 0xF0;

// Redis's quicklist default (list-max-listpack-size -2): nodes of up to 8 KB. An element
// bigger than that gets a node of its own.
constexpr std::uint32_t kNodeLimit = 8192;
// The smallest buffer worth allocating (glibc's smallest chunk holds 24 bytes).
constexpr std::uint32_t kMinCapacity = 24;

std::size_t backlen_size(std::size_t content) {
    std::size_t n = 1;
    while (content >= 128) {
        content >>= 7;
        ++n;
    }
    return n;
}

void write_backlen(char* to, std::size_t content) {
    const std::size_t n = backlen_size(content);
    for (std::size_t i = 0; i < n; ++i) {
        unsigned char group = static_cast<unsigned char>((content >> (7 * i)) & 127);
        if (i + 1 < n) group |= 128;
        to[n - 1 - i] = static_cast<char>(group);
    }
}

// Size of the whole entry that ends just before `end`.
std::uint32_t entry_size_before(const char* end) {
    std::size_t content = 0;
    std::size_t n = 0;
    for (unsigned shift = 0;; shift += 7) {
        const auto b = static_cast<unsigned char>(end[-1 - static_cast<std::ptrdiff_t>(n)]);
        ++n;
        content |= static_cast<std::size_t>(b & 127) << shift;
        if (!(b & 128)) break;
    }
    return static_cast<std::uint32_t>(content + n);
}

struct Decoded {
    std::uint32_t head;      // header bytes
    std::uint32_t payload;   // payload bytes
    bool is_int;
    std::uint32_t total() const { return head + payload + static_cast<std::uint32_t>(backlen_size(head + payload)); }
};

Decoded decode(const char* entry) {
    const auto h = static_cast<unsigned char>(entry[0]);
    if (h < kStr14) return {1, h, false};
    if (h < kInt) return {2, (static_cast<std::uint32_t>(h & 0x3F) << 8) | static_cast<unsigned char>(entry[1]), false};
    if (h < kStr32) return {1, static_cast<std::uint32_t>(h & 0x0F), true};
    std::uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len |= static_cast<std::uint32_t>(static_cast<unsigned char>(entry[1 + i])) << (8 * i);
    return {5, len, false};
}

std::uint32_t entry_size(const char* entry) { return decode(entry).total(); }

std::string_view entry_view(const char* entry, ListScratch& scratch) {
    const Decoded d = decode(entry);
    if (!d.is_int) return {entry + d.head, d.payload};
    std::uint64_t bits = 0;
    for (std::uint32_t i = 0; i < d.payload; ++i)
        bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(entry[1 + i])) << (8 * i);
    if (d.payload < 8 && (bits >> (8 * d.payload - 1)) & 1) bits |= ~std::uint64_t{0} << (8 * d.payload);  // sign-extend
    auto [end, ec] = std::to_chars(scratch.bytes, scratch.bytes + sizeof scratch.bytes, static_cast<std::int64_t>(bits));
    (void)ec;
    return {scratch.bytes, static_cast<std::size_t>(end - scratch.bytes)};
}

// Bytes a two's-complement integer needs.
std::uint8_t int_width(std::int64_t v) {
    std::uint8_t n = 1;
    while (n < 8 && (v < -(std::int64_t{1} << (8 * n - 1)) || v >= (std::int64_t{1} << (8 * n - 1)))) ++n;
    return n;
}

// The offset of entry number `k` (0-based) of a node holding `count` entries in
// data[begin, end), walking from whichever side of the node is nearer.
std::uint32_t offset_of(const char* data, std::uint32_t begin, std::uint32_t end, std::uint32_t count, std::uint32_t k) {
    if (k <= count / 2) {
        std::uint32_t off = begin;
        for (; k > 0; --k) off += entry_size(data + off);
        return off;
    }
    std::uint32_t off = end;
    for (std::uint32_t back = count - k; back > 0; --back) off -= entry_size_before(data + off);
    return off;
}

char* allocate(std::uint32_t capacity) {
    // operator new, not malloc: the block is then counted in used memory (store/memory.hpp).
    return static_cast<char*>(::operator new(capacity ? capacity : 1));
}

}  // namespace

// --- ListNeedle ------------------------------------------------------------------------------

ListNeedle::ListNeedle(std::string_view element) {
    // Integers go binary only when that is shorter, so every string has one packed form.
    if (!element.empty() && element.size() <= 20) {
        if (auto n = parse_strict_int64(element)) {
            const std::uint8_t width = int_width(*n);
            if (width < element.size()) {
                head_[0] = static_cast<unsigned char>(kInt | width);
                const auto bits = static_cast<std::uint64_t>(*n);
                for (std::uint8_t i = 0; i < width; ++i) head_[1 + i] = static_cast<unsigned char>(bits >> (8 * i));
                head_len_ = static_cast<std::uint8_t>(1 + width);
                return;
            }
        }
    }
    payload_ = element;
    const std::size_t len = element.size();
    if (len < 128) {
        head_[0] = static_cast<unsigned char>(len);
        head_len_ = 1;
    } else if (len < 16384) {
        head_[0] = static_cast<unsigned char>(kStr14 | (len >> 8));
        head_[1] = static_cast<unsigned char>(len & 0xFF);
        head_len_ = 2;
    } else {
        head_[0] = kStr32;
        for (int i = 0; i < 4; ++i) head_[1 + i] = static_cast<unsigned char>(len >> (8 * i));
        head_len_ = 5;
    }
}

std::size_t ListNeedle::packed_size() const { return content_size() + backlen_size(content_size()); }

void ListNeedle::write(char* to) const {
    std::memcpy(to, head_, head_len_);
    if (!payload_.empty()) std::memcpy(to + head_len_, payload_.data(), payload_.size());
    write_backlen(to + content_size(), content_size());
}

bool ListNeedle::matches(const char* entry) const {
    // The first header byte fixes the header's length, so comparing it first keeps the
    // rest of the comparison inside the entry.
    if (static_cast<unsigned char>(entry[0]) != head_[0]) return false;
    if (std::memcmp(entry + 1, head_ + 1, head_len_ - 1u) != 0) return false;
    return payload_.empty() || std::memcmp(entry + head_len_, payload_.data(), payload_.size()) == 0;
}

// --- node storage ----------------------------------------------------------------------------

namespace {

template <class Node>
void relocate(Node& n, std::uint32_t capacity, std::uint32_t new_begin) {
    char* data = allocate(capacity);
    const std::uint32_t used = n.used();
    if (used) std::memcpy(data + new_begin, n.data + n.begin, used);
    ::operator delete(n.data);
    n.data = data;
    n.capacity = capacity;
    n.begin = new_begin;
    n.end = new_begin + used;
}

// The next capacity for a node that needs `need` bytes: doubling up to the node limit so a
// growing node copies O(its size) bytes in total, and full nodes carry no slack.
template <class Node>
std::uint32_t grown_capacity(const Node& n, std::uint32_t need) {
    const std::uint32_t doubled = std::max(n.capacity * 2, kMinCapacity);
    return std::max(need, std::min(doubled, kNodeLimit));
}

// Makes `bytes` free bytes after the node's last entry. False when the node is full and the
// caller should start a new node instead.
template <class Node>
bool reserve_back(Node& n, std::uint32_t bytes) {
    if (n.end + bytes <= n.capacity) return true;
    const std::uint32_t used = n.used();
    const std::uint32_t need = used + bytes;
    if (n.count > 0 && need > kNodeLimit) return false;
    if (need <= n.capacity && used <= n.capacity / 2) {
        // Free space sits in front (popped elements): shifting half a node or less buys at
        // least as many bytes of pushes.
        std::memmove(n.data, n.data + n.begin, used);
        n.begin = 0;
        n.end = used;
        return true;
    }
    if (n.count > 0 && n.capacity >= kNodeLimit) return false;
    relocate(n, grown_capacity(n, need), 0);
    return true;
}

template <class Node>
bool reserve_front(Node& n, std::uint32_t bytes) {
    if (n.begin >= bytes) return true;
    const std::uint32_t used = n.used();
    const std::uint32_t need = used + bytes;
    if (n.count > 0 && need > kNodeLimit) return false;
    if (need <= n.capacity && used <= n.capacity / 2) {
        std::memmove(n.data + n.capacity - used, n.data + n.begin, used);
        n.begin = n.capacity - used;
        n.end = n.capacity;
        return true;
    }
    if (n.count > 0 && n.capacity >= kNodeLimit) return false;
    const std::uint32_t capacity = grown_capacity(n, need);
    relocate(n, capacity, capacity - used);
    return true;
}

// Opens a gap of `bytes` at `offset` (need: used + bytes <= kNodeLimit) and returns it.
template <class Node>
char* open_gap(Node& n, std::uint32_t offset, std::uint32_t bytes) {
    const std::uint32_t used = n.used();
    const std::uint32_t before = offset - n.begin;
    const std::uint32_t after = n.end - offset;
    if (n.capacity - used < bytes) {
        const std::uint32_t capacity = grown_capacity(n, used + bytes);
        char* data = allocate(capacity);
        std::memcpy(data, n.data + n.begin, before);
        std::memcpy(data + before + bytes, n.data + offset, after);
        ::operator delete(n.data);
        n.data = data;
        n.capacity = capacity;
        n.begin = 0;
        n.end = used + bytes;
        return data + before;
    }
    if (n.capacity - n.end < bytes && n.begin < bytes) {
        // The free space is split between both sides: gather it behind the entries.
        std::memmove(n.data, n.data + n.begin, used);
        n.begin = 0;
        n.end = used;
        offset = before;
    }
    if (n.capacity - n.end >= bytes && (after <= before || n.begin < bytes)) {
        std::memmove(n.data + offset + bytes, n.data + offset, after);
        n.end += bytes;
        return n.data + offset;
    }
    std::memmove(n.data + n.begin - bytes, n.data + n.begin, before);
    n.begin -= bytes;
    return n.data + offset - bytes;
}

// Gives a node that lost entries in the middle its memory back when most of it is unused.
template <class Node>
void shrink_if_sparse(Node& n) {
    if (n.capacity > 64 && n.used() < n.capacity / 4) relocate(n, std::max(n.used(), kMinCapacity), 0);
}

}  // namespace

// --- ring of nodes ---------------------------------------------------------------------------

void ListValue::grow_ring() {
    const std::uint32_t capacity = ring_capacity_ ? ring_capacity_ * 2 : 1;
    Node* ring = new Node[capacity];
    for (std::uint32_t i = 0; i < node_count_; ++i) ring[i] = node(i);
    delete[] ring_;
    ring_ = ring;
    ring_capacity_ = capacity;
    ring_head_ = 0;
}

void ListValue::insert_node(std::size_t i) {
    if (node_count_ == ring_capacity_) grow_ring();
    const std::uint32_t mask = ring_capacity_ - 1;
    if (i < node_count_ / 2) {
        // Shift the nodes before i one slot towards the front.
        ring_head_ = (ring_head_ + mask) & mask;
        for (std::size_t j = 0; j < i; ++j) node(j) = node(j + 1);
    } else {
        for (std::size_t j = node_count_; j > i; --j) node(j) = node(j - 1);
    }
    ++node_count_;
    node(i) = Node{};
}

void ListValue::remove_node(std::size_t i) {
    ::operator delete(node(i).data);
    const std::uint32_t mask = ring_capacity_ - 1;
    if (i < node_count_ / 2) {
        for (std::size_t j = i; j > 0; --j) node(j) = node(j - 1);
        ring_head_ = (ring_head_ + 1) & mask;
    } else {
        for (std::size_t j = i; j + 1 < node_count_; ++j) node(j) = node(j + 1);
    }
    --node_count_;
    if (node_count_ == 0) free_all();
}

void ListValue::free_all() {
    for (std::size_t i = 0; i < node_count_; ++i) ::operator delete(node(i).data);
    delete[] ring_;
    ring_ = nullptr;
    ring_capacity_ = ring_head_ = node_count_ = 0;
    size_ = 0;
}

void ListValue::copy_from(const ListValue& other) {
    if (other.node_count_ == 0) return;
    ring_capacity_ = std::bit_ceil(other.node_count_);
    ring_ = new Node[ring_capacity_];
    for (std::uint32_t i = 0; i < other.node_count_; ++i) {
        const Node& from = other.node(i);
        Node& to = ring_[i];
        to.capacity = std::max(from.used(), kMinCapacity);
        to.data = allocate(to.capacity);
        std::memcpy(to.data, from.data + from.begin, from.used());
        to.begin = 0;
        to.end = from.used();
        to.count = from.count;
    }
    node_count_ = other.node_count_;
    size_ = other.size_;
}

ListValue::ListValue(const ListValue& other) { copy_from(other); }

ListValue& ListValue::operator=(const ListValue& other) {
    if (this != &other) {
        free_all();
        copy_from(other);
    }
    return *this;
}

ListValue::ListValue(ListValue&& other) noexcept
    : ring_(std::exchange(other.ring_, nullptr)),
      ring_capacity_(std::exchange(other.ring_capacity_, 0)),
      ring_head_(std::exchange(other.ring_head_, 0)),
      node_count_(std::exchange(other.node_count_, 0)),
      size_(std::exchange(other.size_, 0)) {}

ListValue& ListValue::operator=(ListValue&& other) noexcept {
    if (this != &other) {
        free_all();
        ring_ = std::exchange(other.ring_, nullptr);
        ring_capacity_ = std::exchange(other.ring_capacity_, 0);
        ring_head_ = std::exchange(other.ring_head_, 0);
        node_count_ = std::exchange(other.node_count_, 0);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

ListValue::~ListValue() { free_all(); }

std::size_t ListValue::allocated_bytes() const {
    // Nodes are few (one per 8 KB of elements): measured exactly, never sampled.
    std::size_t bytes = ring_ ? memory::block_size(ring_) : 0;
    for (std::size_t i = 0; i < node_count_; ++i) bytes += memory::block_size(node(i).data);
    return bytes;
}

// --- ends ------------------------------------------------------------------------------------

void ListValue::push_back(std::string_view element) {
    const ListNeedle packed(element);
    const auto bytes = static_cast<std::uint32_t>(packed.packed_size());
    if (node_count_ == 0 || !reserve_back(node(node_count_ - 1), bytes)) {
        insert_node(node_count_);
        reserve_back(node(node_count_ - 1), bytes);
    }
    Node& n = node(node_count_ - 1);
    packed.write(n.data + n.end);
    n.end += bytes;
    ++n.count;
    ++size_;
}

void ListValue::push_front(std::string_view element) {
    const ListNeedle packed(element);
    const auto bytes = static_cast<std::uint32_t>(packed.packed_size());
    if (node_count_ == 0 || !reserve_front(node(0), bytes)) {
        insert_node(0);
        reserve_front(node(0), bytes);
    }
    Node& n = node(0);
    n.begin -= bytes;
    packed.write(n.data + n.begin);
    ++n.count;
    ++size_;
}

std::string_view ListValue::front(ListScratch& scratch) const {
    const Node& n = node(0);
    return entry_view(n.data + n.begin, scratch);
}

std::string_view ListValue::back(ListScratch& scratch) const {
    const Node& n = node(node_count_ - 1);
    return entry_view(n.data + n.end - entry_size_before(n.data + n.end), scratch);
}

void ListValue::pop_front() {
    Node& n = node(0);
    n.begin += entry_size(n.data + n.begin);
    --n.count;
    --size_;
    if (n.count == 0) remove_node(0);
}

void ListValue::pop_back() {
    Node& n = node(node_count_ - 1);
    n.end -= entry_size_before(n.data + n.end);
    --n.count;
    --size_;
    if (n.count == 0) remove_node(node_count_ - 1);
}

// --- positions -------------------------------------------------------------------------------

ListValue::Position ListValue::locate(std::size_t index) const {
    std::size_t i = 0;
    if (index < size_ / 2) {
        while (index >= node(i).count) index -= node(i++).count;
    } else {
        std::size_t from_back = size_ - index;   // 1 = last element
        i = node_count_ - 1;
        while (from_back > node(i).count) from_back -= node(i--).count;
        index = node(i).count - from_back;
    }
    const Node& n = node(i);
    return {i, offset_of(n.data, n.begin, n.end, n.count, static_cast<std::uint32_t>(index))};
}

std::string_view ListValue::at(std::size_t index, ListScratch& scratch) const {
    const Position p = locate(index);
    return entry_view(node(p.node).data + p.offset, scratch);
}

void ListValue::insert(std::size_t index, std::string_view element) {
    if (index == 0) return push_front(element);
    if (index >= size_) return push_back(element);
    insert_at(locate(index), ListNeedle(element));
}

// Inserts before the entry at `at` (never at a node's end: that is the next node's start).
void ListValue::insert_at(Position at, const ListNeedle& packed) {
    const auto bytes = static_cast<std::uint32_t>(packed.packed_size());
    auto place = [&](std::size_t i, char* where) {
        packed.write(where);
        ++node(i).count;
        ++size_;
    };
    Node& n = node(at.node);
    if (n.used() + bytes <= kNodeLimit) return place(at.node, open_gap(n, at.offset, bytes));
    if (at.offset == n.begin) {
        // Goes between this node and the previous one.
        if (at.node > 0) {
            Node& prev = node(at.node - 1);
            if (reserve_back(prev, bytes)) {
                place(at.node - 1, prev.data + prev.end);
                prev.end += bytes;
                return;
            }
        }
        insert_node(at.node);
        Node& fresh = node(at.node);
        reserve_back(fresh, bytes);
        place(at.node, fresh.data);
        fresh.end += bytes;
        return;
    }
    // Split the full node at the insertion point, then retry at the start of its tail.
    std::uint32_t tail_count = 0;
    for (std::uint32_t off = at.offset; off < n.end; off += entry_size(n.data + off)) ++tail_count;
    const std::uint32_t tail_bytes = n.end - at.offset;
    insert_node(at.node + 1);
    Node& head = node(at.node);
    Node& tail = node(at.node + 1);
    tail.capacity = std::max(tail_bytes, kMinCapacity);
    tail.data = allocate(tail.capacity);
    std::memcpy(tail.data, head.data + at.offset, tail_bytes);
    tail.end = tail_bytes;
    tail.count = tail_count;
    head.end = at.offset;
    head.count -= tail_count;
    insert_at({at.node + 1, 0}, packed);
}

void ListValue::erase_at(Position at) {
    Node& n = node(at.node);
    const std::uint32_t bytes = entry_size(n.data + at.offset);
    const std::uint32_t before = at.offset - n.begin;
    const std::uint32_t after = n.end - at.offset - bytes;
    if (before < after) {
        std::memmove(n.data + n.begin + bytes, n.data + n.begin, before);
        n.begin += bytes;
    } else {
        std::memmove(n.data + at.offset, n.data + at.offset + bytes, after);
        n.end -= bytes;
    }
    --n.count;
    --size_;
    if (n.count == 0) remove_node(at.node);
    else shrink_if_sparse(n);
}

void ListValue::set(std::size_t index, std::string_view element) {
    const ListNeedle packed(element);
    const Position p = locate(index);
    Node& n = node(p.node);
    if (entry_size(n.data + p.offset) == packed.packed_size()) {
        packed.write(n.data + p.offset);
        return;
    }
    erase_at(p);
    if (index == 0) push_front(element);
    else if (index >= size_) push_back(element);
    else insert_at(locate(index), packed);
}

// --- bulk removal ----------------------------------------------------------------------------

void ListValue::drop_front(std::size_t n) {
    while (n > 0) {
        Node& head = node(0);
        if (n >= head.count) {
            n -= head.count;
            size_ -= head.count;
            remove_node(0);
            continue;
        }
        const auto k = static_cast<std::uint32_t>(n);
        head.begin = offset_of(head.data, head.begin, head.end, head.count, k);
        head.count -= k;
        size_ -= k;
        shrink_if_sparse(head);
        n = 0;
    }
}

void ListValue::drop_back(std::size_t n) {
    while (n > 0) {
        Node& tail = node(node_count_ - 1);
        if (n >= tail.count) {
            n -= tail.count;
            size_ -= tail.count;
            remove_node(node_count_ - 1);
            continue;
        }
        const auto k = static_cast<std::uint32_t>(n);
        tail.end = offset_of(tail.data, tail.begin, tail.end, tail.count, tail.count - k);
        tail.count -= k;
        size_ -= k;
        shrink_if_sparse(tail);
        n = 0;
    }
}

void ListValue::trim(std::size_t first, std::size_t count) {
    if (first >= size_ || count == 0) {
        free_all();
        return;
    }
    count = std::min(count, size_ - first);
    drop_back(size_ - first - count);
    drop_front(first);
}

std::size_t ListValue::remove(std::string_view element, std::int64_t limit) {
    const ListNeedle needle(element);
    const bool from_tail = limit < 0;
    // |limit|, written so that INT64_MIN does not overflow.
    std::size_t budget = limit == 0 ? SIZE_MAX
                                    : static_cast<std::size_t>(from_tail ? -(limit + 1) : limit - 1) + 1;
    std::size_t removed = 0;
    for (std::size_t step = 0; step < node_count_ && budget > 0;) {
        const std::size_t i = from_tail ? node_count_ - 1 - step : step;
        Node& n = node(i);
        // From the tail, the matches to keep are the first ones of the node.
        std::size_t keep = 0;
        if (from_tail) {
            std::size_t matches = 0;
            for (std::uint32_t off = n.begin; off < n.end; off += entry_size(n.data + off))
                matches += needle.matches(n.data + off);
            keep = matches - std::min(matches, budget);
        }
        std::uint32_t write = n.begin;
        std::uint32_t dropped = 0;
        for (std::uint32_t read = n.begin; read < n.end;) {
            const std::uint32_t bytes = entry_size(n.data + read);
            bool drop = budget > 0 && needle.matches(n.data + read);
            if (drop && keep > 0) {
                --keep;
                drop = false;
            }
            if (drop) {
                --budget;
                ++dropped;
            } else {
                if (write != read) std::memmove(n.data + write, n.data + read, bytes);
                write += bytes;
            }
            read += bytes;
        }
        n.end = write;
        n.count -= dropped;
        size_ -= dropped;
        removed += dropped;
        if (n.count == 0) {
            // The next node to visit now has the same step number (slot i from the head,
            // node_count_ - 1 - step from the tail).
            remove_node(i);
            continue;
        }
        ++step;
    }
    if (removed > 0) merge_small_nodes();
    return removed;
}

// After removals in the middle, neighbours that fit in one node become one node, as the
// quicklist merges its nodes, so a thinned list does not keep many near-empty buffers.
void ListValue::merge_small_nodes() {
    for (std::size_t i = 0; i + 1 < node_count_;) {
        Node& a = node(i);
        Node& b = node(i + 1);
        if (a.used() + b.used() > kNodeLimit) {
            shrink_if_sparse(a);
            ++i;
            continue;
        }
        if (a.capacity - a.end < b.used()) relocate(a, std::max(a.used() + b.used(), kMinCapacity), 0);
        std::memcpy(a.data + a.end, b.data + b.begin, b.used());
        a.end += b.used();
        a.count += b.count;
        b.count = 0;
        remove_node(i + 1);
    }
    if (node_count_ > 0) shrink_if_sparse(node(node_count_ - 1));
}

// --- cursor ----------------------------------------------------------------------------------

ListValue::Cursor ListValue::cursor(std::size_t index) const {
    Cursor c;
    c.list_ = this;
    c.index_ = index;
    const Position p = locate(index);
    c.node_ = p.node;
    c.offset_ = p.offset;
    return c;
}

std::string_view ListValue::Cursor::value(ListScratch& scratch) const {
    return entry_view(list_->node(node_).data + offset_, scratch);
}

bool ListValue::Cursor::matches(const ListNeedle& needle) const {
    return needle.matches(list_->node(node_).data + offset_);
}

void ListValue::Cursor::next() {
    ++index_;
    if (index_ >= list_->size_) return;
    const Node& n = list_->node(node_);
    offset_ += entry_size(n.data + offset_);
    if (offset_ == n.end) offset_ = list_->node(++node_).begin;
}

void ListValue::Cursor::prev() {
    if (index_ == 0 || index_ > list_->size_) {
        index_ = static_cast<std::size_t>(-1);
        return;
    }
    --index_;
    if (offset_ == list_->node(node_).begin) offset_ = list_->node(--node_).end;
    offset_ -= entry_size_before(list_->node(node_).data + offset_);
}

}  // namespace corokv
