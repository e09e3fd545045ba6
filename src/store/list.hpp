// A list value, stored like Redis's quicklist: a sequence of nodes, each one buffer of up
// to 8 KB of packed elements. An element costs its bytes plus two or three bytes of framing
// (a length header in front, the same length again behind it so the node can be walked
// backwards), and integers such as "123456" are kept as 1..8 binary bytes, so a list of
// small elements costs about what Redis pays instead of a heap string per element.
//
// Pushes and pops at either end touch one node; an index walks whole nodes by their
// element counts from the nearer end, then entries inside one node. Everything that works
// on the middle (LINSERT, LSET, LREM) moves at most one node's bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace corokv {

// Where an element stored as a binary integer is formatted when it is read; the view a
// read returns may point here, so keep it alive while using the view.
struct ListScratch {
    char bytes[24];
};

// An element in its packed form, made once so that searches (LREM, LPOS, LINSERT) compare
// bytes instead of decoding every entry. The form is canonical (a given string always packs
// the same way), so equal packed bytes means equal elements. Refers to the caller's bytes.
class ListNeedle {
public:
    explicit ListNeedle(std::string_view element);

    std::size_t content_size() const { return head_len_ + payload_.size(); }
    std::size_t packed_size() const;                 // with the trailing back-length
    void write(char* to) const;                      // packed_size() bytes
    bool matches(const char* entry) const;

private:
    unsigned char head_[9];
    std::uint8_t head_len_ = 0;
    std::string_view payload_;
};

class ListValue {
public:
    ListValue() = default;
    ListValue(const ListValue& other);
    ListValue& operator=(const ListValue& other);
    ListValue(ListValue&& other) noexcept;
    ListValue& operator=(ListValue&& other) noexcept;
    ~ListValue();

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Redis 7.0 answers "quicklist" for every list, however small.
    const char* encoding_name() const { return "quicklist"; }

    void push_front(std::string_view element);
    void push_back(std::string_view element);
    // The end elements of a non-empty list; the views die with the next change.
    std::string_view front(ListScratch& scratch) const;
    std::string_view back(ListScratch& scratch) const;
    void pop_front();
    void pop_back();

    // Element `index` (< size()).
    std::string_view at(std::size_t index, ListScratch& scratch) const;
    void set(std::size_t index, std::string_view element);
    // Inserts so that the new element gets position `index` (<= size()).
    void insert(std::size_t index, std::string_view element);
    // Keeps elements [first, first + count) and drops the rest.
    void trim(std::size_t first, std::size_t count);
    // LREM: removes up to |limit| elements equal to `element`, from the head when limit > 0,
    // from the tail when limit < 0, all when 0. Returns how many went.
    std::size_t remove(std::string_view element, std::int64_t limit);

    // A position for walking the list in either direction (LRANGE, LPOS, LINSERT).
    // Invalidated by any change to the list.
    class Cursor {
    public:
        bool valid() const { return index_ < list_->size_; }
        std::size_t index() const { return index_; }
        std::string_view value(ListScratch& scratch) const;
        bool matches(const ListNeedle& needle) const;
        void next();
        void prev();   // from a valid cursor; stepping back from index 0 invalidates it

    private:
        friend class ListValue;
        const ListValue* list_ = nullptr;
        std::size_t node_ = 0;
        std::uint32_t offset_ = 0;
        std::size_t index_ = 0;
    };
    Cursor cursor(std::size_t index) const;   // index < size()

    // Calls f(std::string_view) for elements [first, first + count), in order.
    template <class F>
    void for_each(std::size_t first, std::size_t count, F&& f) const {
        ListScratch scratch;
        for (Cursor c = count ? cursor(first) : Cursor{}; count > 0; --count, c.next()) f(c.value(scratch));
    }

    // Bytes held by the node buffers and the node table (for memory reports and tests).
    std::size_t allocated_bytes() const;
    std::size_t node_count() const { return node_count_; }

private:
    // One packed buffer; elements live in data[begin, end). Free space may sit on both
    // sides so that pushes at either end usually write in place.
    struct Node {
        char* data = nullptr;
        std::uint32_t capacity = 0;
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
        std::uint32_t count = 0;
        std::uint32_t used() const { return end - begin; }
    };
    struct Position {
        std::size_t node;
        std::uint32_t offset;
    };

    // Nodes sit in a ring buffer (power-of-two capacity) so that adding or dropping a node
    // at either end is O(1), and node i is one index computation away.
    Node& node(std::size_t i) { return ring_[(ring_head_ + i) & (ring_capacity_ - 1)]; }
    const Node& node(std::size_t i) const { return ring_[(ring_head_ + i) & (ring_capacity_ - 1)]; }
    void insert_node(std::size_t i);   // an empty node at position i
    void remove_node(std::size_t i);   // frees its buffer
    void grow_ring();
    void free_all();
    void copy_from(const ListValue& other);

    Position locate(std::size_t index) const;
    void insert_at(Position at, const ListNeedle& packed);
    void erase_at(Position at);
    void drop_front(std::size_t n);
    void drop_back(std::size_t n);
    void merge_small_nodes();

    Node* ring_ = nullptr;
    std::uint32_t ring_capacity_ = 0;
    std::uint32_t ring_head_ = 0;
    std::uint32_t node_count_ = 0;
    std::size_t size_ = 0;
};

}  // namespace corokv
